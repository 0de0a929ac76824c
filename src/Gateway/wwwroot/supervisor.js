// The supervisor console: the live list of open tickets (all of the supervisor's projects, or
// ?project=…) with filters, the agents' states beside it, and reassign or escalate on a ticket.
// An action first reads the ticket (GET /api/tickets/{id}) and keeps its ETag; the step goes with
// If-Match, so a ticket someone else changed meanwhile is refused (412): the console then says so
// and shows the ticket as it is now, and changes nothing until the supervisor submits again.
// Who: ?user=supervisor-gc (a demo user) or ?token=…. Every piece of data goes in as text.
(() => {
  'use strict';

  const F = window.HotlineFloor;
  const { el, byTestId: $, label, setText } = F;

  const params = new URLSearchParams(location.search);
  const projectParam = (params.get('project') || '').trim() || F.ALL;
  const auth = F.createAuth('supervisor');
  const api = F.createApi(auth);

  // ---------------------------------------------------------------------------------- project data
  // Departments and agents of a project, read once (agents again each time a panel opens).
  const settingsCache = new Map();
  function projectSettings(projectId) {
    if (!settingsCache.has(projectId)) {
      settingsCache.set(projectId, api.get(`/api/projects/${encodeURIComponent(projectId)}`).then((answer) => {
        if (!answer.ok) {
          settingsCache.delete(projectId);
          throw new Error(F.problemText(answer));
        }
        return answer.data;
      }));
    }
    return settingsCache.get(projectId);
  }

  async function projectAgents(projectId) {
    const answer = await api.get(`/api/projects/${encodeURIComponent(projectId)}/agents`);
    if (!answer.ok) {
      throw new Error(F.problemText(answer));
    }
    return answer.data || [];
  }

  // ---------------------------------------------------------------------------------- the list
  // The open tickets come a page at a time from GET /api/projects/{id|*}/open-tickets, filtered,
  // sorted and counted by the server, so 10,000 open tickets cost what 10 do. The hub's boards say
  // when something changed (and carry the agents): each change re-asks the page on screen, at most
  // once per REFRESH_GAP_MS and never two at once, so a busy floor cannot flood the server.
  const PAGE_SIZE = 50;
  const REFRESH_GAP_MS = 300;
  /** Agents listed in the side panel; the chips above it count them all. */
  const AGENTS_SHOWN = 60;

  let view = F.flatten(new Map());
  /** The page on screen: { items, total, page, pageSize, counts }, as the server answered. */
  let list = { items: [], total: 0, page: 1, pageSize: PAGE_SIZE, counts: { open: 0, byStatus: {}, bySeverity: {} } };
  let pageNumber = 1;
  const knownDepartments = new Set();

  const filterInputs = {
    project: $('filter-project'),
    status: $('filter-status'),
    severity: $('filter-severity'),
    department: $('filter-department'),
    agent: $('filter-agent'),
    atRisk: $('filter-at-risk'),
    sort: $('sort'),
  };

  function agentName(id) {
    const agent = view.agents.find((a) => a.id === id);
    return agent ? `${agent.workNumber} ${agent.name}` : id;
  }

  function fillFilters() {
    const count = (map, key) => (list.counts && list.counts[map] && list.counts[map][key]) || 0;
    F.fillSelect(filterInputs.project, [['', '全部 All'], ...view.boards.map((b) => [b.projectId, b.name])]);
    F.fillSelect(filterInputs.status, [['', '全部 All'],
      ...F.OPEN_STATUSES.map((s) => [s, `${label(F.STATUS, s)} ${F.humanize(s)} (${count('byStatus', s)})`])]);
    F.fillSelect(filterInputs.severity, [['', '全部 All'],
      ...F.SEVERITY_ORDER.map((s) => [s, `${F.SEVERITY[s]} ${s} (${count('bySeverity', s)})`])]);
    for (const t of list.items) {
      if (t.department) {
        knownDepartments.add(t.department);
      }
    }
    F.fillSelect(filterInputs.department, [['', '全部 All'], ['-', '未指派 None'],
      ...[...knownDepartments].sort((a, b) => a.localeCompare(b, 'zh-CN')).map((d) => [d, d])]);
    const agents = view.agents.slice().sort((a, b) => String(a.workNumber).localeCompare(String(b.workNumber)));
    F.fillSelect(filterInputs.agent, [['', '全部 All'], ['-', '未指派 None'],
      ...agents.map((a) => [a.id, `${a.workNumber} ${a.name}${view.boards.length > 1 ? ` · ${a.projectName}` : ''}`])]);
    filterInputs.project.disabled = view.boards.length < 2 && !filterInputs.project.value;
  }

  /** The page the filters, the order and the page number ask for. */
  function pagePath() {
    const scope = filterInputs.project.value || projectParam;
    const query = new URLSearchParams();
    for (const name of ['status', 'severity', 'department', 'agent']) {
      if (filterInputs[name].value) {
        query.set(name, filterInputs[name].value);
      }
    }
    if (filterInputs.atRisk.checked) {
      query.set('risk', 'any');
    }
    query.set('sort', filterInputs.sort.value || 'deadline');
    query.set('page', String(pageNumber));
    query.set('pageSize', String(PAGE_SIZE));
    return `/api/projects/${encodeURIComponent(scope)}/open-tickets?${query}`;
  }

  const filtered = () => ['status', 'severity', 'department', 'agent'].some((n) => filterInputs[n].value) || filterInputs.atRisk.checked;

  let askedSeq = 0;
  let asking = false;
  let askAgain = false;
  let lastAskedAt = 0;
  let askTimer = null;

  /** Asks for the page on screen again soon: coalesced, at most one request at a time. */
  function refreshSoon() {
    if (asking) {
      askAgain = true;
      return;
    }
    if (!askTimer) {
      askTimer = setTimeout(() => {
        askTimer = null;
        askPage();
      }, Math.max(0, lastAskedAt + REFRESH_GAP_MS - Date.now()));
    }
  }

  /** Asks for the page now (a filter or page changed): an answer to an older question is dropped. */
  async function askPage() {
    const seq = ++askedSeq;
    asking = true;
    lastAskedAt = Date.now();
    document.body.dataset.list = 'loading';
    try {
      const answer = await api.get(pagePath());
      if (seq !== askedSeq) {
        return;
      }
      if (answer.ok) {
        list = answer.data;
        document.body.dataset.list = 'ready';
        // A page past the end (tickets closed meanwhile): show the last one there is.
        const last = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
        if (pageNumber > last) {
          pageNumber = last;
          askAgain = true;
        }
        renderTickets();
        fillFilters();
      } else {
        document.body.dataset.list = 'problem';
        setText('ticket-count', `cannot list 无法读取: ${F.problemText(answer)}`);
      }
    } catch (error) {
      if (seq === askedSeq) {
        document.body.dataset.list = 'problem';
      }
    } finally {
      if (seq === askedSeq) {
        asking = false;
        if (askAgain) {
          askAgain = false;
          refreshSoon();
        }
      }
    }
  }

  function turnTo(page) {
    pageNumber = page;
    askPage();
  }

  /** Who the console acts for, with the names of the projects on its boards. */
  let who = null;
  function renderWho() {
    if (who) {
      const projects = view.boards.length ? view.boards.map((b) => b.name).join(' · ') : who.projects;
      setText('who', [who.user, projects].filter(Boolean).join(' · ') + who.note);
    }
  }

  function render() {
    renderWho();
    fillFilters();
    renderTickets();
    renderAgents();
  }

  function renderTickets() {
    const several = view.boards.length > 1;
    document.body.dataset.scope = several ? 'all' : 'project';
    const open = list.counts ? list.counts.open : list.total;
    setText('ticket-count', filtered() ? `${list.total} of ${open} shown 显示` : `${list.total} open 未结`);
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    setText('page-label', `${pageNumber} / ${pages}`);
    $('page-label').dataset.page = String(pageNumber);
    $('page-label').dataset.pages = String(pages);
    $('page-first').disabled = $('page-prev').disabled = pageNumber <= 1;
    $('page-next').disabled = $('page-last').disabled = pageNumber >= pages;
    const selected = panel ? panel.ticketId : null;
    const rows = list.items.map((t) => el('tr', {
      'data-testid': `ticket-${t.number}`,
      'data-ticket-id': t.ticketId,
      'data-project': t.projectId,
      'data-agent': t.agent || '',
      'data-department': t.department || '',
      'data-status': t.status,
      'data-severity': t.severity,
      'data-sla': t.slaState || 'None',
      'aria-selected': t.ticketId === selected ? 'true' : null,
    },
    el('td', null, F.slaBadge(t)),
    el('td', { class: 'number' }, t.number),
    el('td', { class: 'project-col muted' }, view.names.get(t.projectId) || t.projectId),
    el('td', null, F.kindAndFlags(t, { escalated: `escalation-${t.number}` })),
    el('td', null, label(F.STATUS, t.status)),
    el('td', { 'data-testid': `agent-of-${t.number}` }, t.agent ? agentName(t.agent) : '—'),
    el('td', { class: 'muted' }, t.department || '—'),
    el('td', { class: 'num countdown', 'data-due': t.nextDueAt || null }, t.nextDueAt ? '' : '—'),
    el('td', { class: 'num callback' }, t.callbackDueAt ? ['☎ ', el('span', { 'data-due': t.callbackDueAt })] : ''),
    el('td', { class: 'actions' },
      el('button', { type: 'button', 'data-action': 'reassign', 'data-testid': `reassign-${t.number}` }, '改派 Reassign'),
      el('button', { type: 'button', 'data-action': 'escalate', 'data-testid': `escalate-${t.number}` }, '升级 Escalate'))));
    $('ticket-rows').replaceChildren(...rows);
    $('no-tickets').hidden = rows.length > 0;
    tick();
  }

  function renderAgents() {
    const project = filterInputs.project.value;
    const agents = F.sortAgents(view.agents.filter((a) => !project || a.projectId === project));
    const byState = F.countBy(agents, 'presence');
    $('agents-by-state').replaceChildren(...F.ordered(byState, F.PRESENCE_ORDER)
      .map((p) => F.chip(label(F.PRESENCE, p), byState.get(p), { 'data-testid': `agents-${p}`, 'data-presence': p })));
    const chosen = filterInputs.agent.value;
    // The chosen agent stays in the panel even when past the first AGENTS_SHOWN.
    const shown = agents.slice(0, AGENTS_SHOWN);
    const extra = agents.find((a) => a.id === chosen && !shown.includes(a));
    const rows = [...shown, ...(extra ? [extra] : [])].map((a) => el('button', {
      type: 'button',
      class: 'agent',
      'data-testid': `agent-${a.id}`,
      'data-agent-id': a.id,
      'data-presence': a.presence,
      'data-over-break': a.overBreakLimit ? 'true' : 'false',
      'aria-pressed': chosen === a.id ? 'true' : 'false',
      title: 'Show this agent\'s tickets 只看该坐席的工单',
    },
    el('span', { class: 'work' }, a.workNumber),
    el('span', { class: 'name' }, a.name, view.boards.length > 1 ? el('span', { class: 'muted' }, ` · ${a.projectName}`) : null),
    F.presenceBadge(a, `agent-${a.id}-state`),
    el('span', { class: 'timer', 'data-since': a.since }),
    el('span', { class: 'num', title: 'open tickets 未结工单' }, String(a.openTickets ?? 0))));
    const more = agents.length - rows.length;
    if (more > 0) {
      rows.push(el('p', { class: 'empty', 'data-testid': 'agents-more' }, `+${more} more 更多: choose one under 坐席 Agent above`));
    }
    $('agent-rows').replaceChildren(...(rows.length ? rows : [el('p', { class: 'empty' }, 'No agents 无坐席')]));
  }

  /** A filter or the order changed: back to the first page, asked at once. */
  function filtersChanged() {
    pageNumber = 1;
    askPage();
    renderAgents();
  }

  for (const input of Object.values(filterInputs)) {
    input.addEventListener('change', filtersChanged);
  }
  $('filters').addEventListener('reset', () => setTimeout(filtersChanged));
  $('filters').addEventListener('submit', (event) => event.preventDefault());
  $('page-first').addEventListener('click', () => turnTo(1));
  $('page-prev').addEventListener('click', () => turnTo(Math.max(1, pageNumber - 1)));
  $('page-next').addEventListener('click', () => turnTo(pageNumber + 1));
  $('page-last').addEventListener('click', () => turnTo(Math.max(1, Math.ceil(list.total / PAGE_SIZE))));
  $('agent-rows').addEventListener('click', (event) => {
    const row = event.target.closest('[data-agent-id]');
    if (row) {
      filterInputs.agent.value = filterInputs.agent.value === row.dataset.agentId ? '' : row.dataset.agentId;
      filtersChanged();
    }
  });
  $('ticket-rows').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    const row = event.target.closest('tr[data-ticket-id]');
    if (button && row) {
      openPanel(row.dataset.ticketId, button.dataset.action);
    }
  });

  // ---------------------------------------------------------------------------------- the action panel
  /** The ticket the panel acts on, as last read, with the ETag its steps are sent with. */
  let panel = null;
  let panelSeq = 0;
  const forms = { reassign: $('reassign-form'), escalate: $('escalate-form') };

  function notice(kind, title, text) {
    const box = $('action-notice');
    box.dataset.kind = kind;
    box.replaceChildren(...[el('strong', { 'data-testid': 'action-notice-title' }, title), text ? el('span', null, text) : null].filter(Boolean));
    box.hidden = false;
  }

  function clearNotice() {
    $('action-notice').hidden = true;
    $('action-notice').replaceChildren();
  }

  function setBusy(busy) {
    for (const form of Object.values(forms)) {
      for (const control of form.elements) {
        control.disabled = busy || !panel || !panel.etag;
      }
    }
    $('action-panel').setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  async function openPanel(ticketId, action) {
    const found = list.items.find((t) => t.ticketId === ticketId);
    if (!found) {
      return;
    }
    const row = { ...found, projectName: view.names.get(found.projectId) || found.projectId };
    panel = { ticketId, projectId: row.projectId, number: row.number, ticket: null, etag: null, seq: ++panelSeq, agents: [] };
    const seq = panel.seq;
    $('action-panel').hidden = false;
    $('action-panel').dataset.action = action;
    $('action-panel').dataset.ticketId = ticketId;
    setText('action-title', `${row.number} · ${row.projectName}`);
    clearNotice();
    forms.reassign.reset();
    forms.escalate.reset();
    renderState(null);
    setBusy(true);
    renderTickets();

    const [settings, agents] = await Promise.allSettled([projectSettings(row.projectId), projectAgents(row.projectId)]);
    if (seq !== panelSeq) {
      return;
    }
    panel.agents = agents.status === 'fulfilled' ? agents.value : [];
    const departments = settings.status === 'fulfilled' ? settings.value.departments || [] : [];
    for (const d of departments) {
      knownDepartments.add(d);
    }
    F.fillSelect($('reassign-agent'), [['', '— 不变 keep —'],
      ...panel.agents.map((a) => [a.id, `${a.workNumber} ${a.name} · ${label(F.PRESENCE, a.presence)}`])], false);
    F.fillSelect($('reassign-department'), [['', '— 不变 keep —'], ...departments.map((d) => [d, d])], false);
    if (agents.status === 'rejected' || settings.status === 'rejected') {
      notice('error', 'Could not read the project\'s agents or departments 无法读取坐席或部门',
        String((agents.reason || settings.reason || {}).message || ''));
    }

    await loadTicket(null);
    if (seq === panelSeq) {
      setBusy(false);
      (action === 'escalate' ? $('escalate-reason') : $('reassign-agent')).focus();
    }
  }

  function closePanel() {
    panel = null;
    panelSeq++;
    $('action-panel').hidden = true;
    renderTickets();
  }

  /** Reads the ticket and its ETag; what changed since <previous> is marked. */
  async function loadTicket(previous) {
    const current = panel;
    let answer;
    try {
      answer = await api.get(`/api/tickets/${encodeURIComponent(current.ticketId)}`);
    } catch (error) {
      if (current === panel) {
        notice('error', 'Could not read the ticket 无法读取工单', error.message);
      }
      return false;
    }
    if (current !== panel) {
      return false;
    }
    if (!answer.ok) {
      current.etag = null;
      notice('error', answer.status === 404 ? 'The ticket is not there any more 工单不存在' : 'Could not read the ticket 无法读取工单', F.problemText(answer));
      renderState(null);
      return false;
    }
    current.ticket = answer.data;
    current.etag = answer.etag || answer.data.eTag;
    renderState(previous);
    return true;
  }

  function agentLabel(id) {
    if (!id) {
      return '—';
    }
    const agent = (panel && panel.agents.find((a) => a.id === id)) || view.agents.find((a) => a.id === id);
    return agent ? `${agent.workNumber} ${agent.name}` : id;
  }

  /** 王建国先生; a name recorded as the form of address already (王先生) is not addressed twice. */
  const addressed = (customer) => {
    const name = String(customer.name || '');
    const honorific = customer.honorific || '';
    return honorific && !name.endsWith(honorific) ? `${name}${honorific}` : name;
  };

  /** The ticket as last read; fields that differ from <previous> are marked and say what they were. */
  function renderState(previous) {
    const ticket = panel && panel.ticket;
    const fields = ticket ? {
      status: `${label(F.STATUS, ticket.status)} ${F.humanize(ticket.status)}`,
      agent: agentLabel(ticket.agent),
      department: ticket.department || '—',
      escalation: ticket.escalationLevel > 0 ? `↑${ticket.escalationLevel}` : '0',
      kind: `${label(F.KIND, ticket.kind)} · ${label(F.SEVERITY, ticket.severity)}${ticket.urgent ? ' · 紧急' : ''}`,
      customer: ticket.customer ? `${addressed(ticket.customer)} · ${ticket.customer.unitNumber}` : '—',
      received: F.dateTime(ticket.receivedAt),
    } : {};
    const before = previous ? {
      status: `${label(F.STATUS, previous.status)} ${F.humanize(previous.status)}`,
      agent: agentLabel(previous.agent),
      department: previous.department || '—',
      escalation: previous.escalationLevel > 0 ? `↑${previous.escalationLevel}` : '0',
    } : {};
    for (const name of ['status', 'agent', 'department', 'escalation', 'kind', 'customer', 'received']) {
      const dd = $(`state-${name}`);
      const value = ticket ? fields[name] : '…';
      const changed = previous && name in before && before[name] !== value;
      dd.dataset.changed = changed ? 'true' : 'false';
      dd.replaceChildren(...[value, changed ? el('span', { class: 'was' }, ` (was 原为 ${before[name]})`) : null].filter(Boolean));
    }
    if (ticket) {
      $('state-agent').dataset.agent = ticket.agent || '';
    }
    setText('state-version', ticket ? `version 版本 ${String(panel.etag || '').replace(/"/g, '')}` : 'reading… 读取中');
    setText('state-content', ticket ? ticket.content : '');
    const timeline = ticket ? (ticket.timeline || []).slice(-5).reverse() : [];
    $('state-timeline').replaceChildren(...timeline.map((entry) => el('li', null,
      el('time', null, F.dateTime(entry.at)), ' ', el('b', null, entry.what), ' ', el('span', { class: 'muted' }, entry.actor),
      entry.detail ? el('span', { class: 'detail' }, ` — ${entry.detail}`) : null)));
  }

  const STEP_DONE = { reassign: '已改派 Reassigned', escalate: '已升级 Escalated' };
  const STEP_NAME = { reassign: 'reassignment 改派', escalate: 'escalation 升级' };

  /** Sends a step with the ETag the panel read. A refusal is shown, never retried behind the supervisor's back. */
  async function submit(step, body) {
    const current = panel;
    if (!current || !current.etag) {
      return;
    }
    const before = current.ticket;
    setBusy(true);
    clearNotice();
    let answer;
    try {
      answer = await api.post(`/api/tickets/${encodeURIComponent(current.ticketId)}/${step}`, body, current.etag);
    } catch (error) {
      if (current === panel) {
        notice('error', 'No answer from the server 服务器无响应',
          `${error.message}. Reload to see whether the ${STEP_NAME[step]} was applied.`);
        setBusy(false);
      }
      return;
    }
    if (current !== panel) {
      return;
    }
    if (answer.ok) {
      current.ticket = answer.data;
      current.etag = answer.etag || answer.data.eTag;
      renderState(before);
      forms[step].reset();
      notice('ok', STEP_DONE[step], step === 'reassign'
        ? `→ ${agentLabel(answer.data.agent)} · ${answer.data.department || '—'}`
        : `→ ↑${answer.data.escalationLevel}`);
    } else if (answer.status === 412) {
      notice('stale', '已被他人修改 Changed by someone else',
        `Your ${STEP_NAME[step]} was NOT applied: the ticket changed after you opened it. This is the ticket now; check it and submit again if it is still needed. 您的操作未执行,以下为工单最新状态。`);
      await loadTicket(before);
    } else if (answer.status === 409) {
      notice('error', 'Not allowed in this status 当前状态不允许', F.problemText(answer));
      await loadTicket(before);
    } else if (answer.status === 403) {
      notice('error', 'Not allowed for your role 无权限', F.problemText(answer));
    } else if (answer.status === 404) {
      notice('error', 'The ticket is not there any more 工单不存在', F.problemText(answer));
    } else {
      notice('error', `Refused 未执行 (${answer.status})`, F.problemText(answer));
    }
    if (current === panel) {
      setBusy(false);
    }
  }

  forms.reassign.addEventListener('submit', (event) => {
    event.preventDefault();
    const agent = $('reassign-agent').value || null;
    const department = $('reassign-department').value || null;
    if (!agent && !department) {
      notice('error', 'Choose an agent or a department 请选择坐席或部门', '');
      return;
    }
    const body = { reason: $('reassign-reason').value.trim() };
    if (agent) {
      body.agent = agent;
    }
    if (department) {
      body.department = department;
    }
    submit('reassign', body);
  });
  forms.escalate.addEventListener('submit', (event) => {
    event.preventDefault();
    submit('escalate', { reason: $('escalate-reason').value.trim() });
  });
  $('action-close').addEventListener('click', closePanel);
  $('action-reload').addEventListener('click', async () => {
    if (panel) {
      clearNotice();
      setBusy(true);
      await loadTicket(panel.ticket);
      setBusy(false);
    }
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && panel) {
      closePanel();
    }
  });

  // ---------------------------------------------------------------------------------- start
  const scheduleRender = F.renderLater(render);
  const tick = F.startTicking();

  if (!auth.known) {
    document.body.dataset.state = 'no-user';
    setText('connection-state', 'choose a user 请选择用户');
    F.showUserPicker('supervisor');
    return;
  }

  (async () => {
    try {
      const claims = await auth.claims();
      const supervisor = claims.roles.includes('supervisor');
      who = {
        user: claims.sub || auth.user,
        projects: claims.projects.includes(F.ALL) ? 'all projects 全部项目' : claims.projects.join(', '),
        note: supervisor ? '' : ' — not a supervisor: reassign and escalate will be refused 非主管',
      };
      $('who').dataset.level = supervisor ? '' : 'warn';
      renderWho();
      for (const project of claims.projects.filter((p) => p !== F.ALL)) {
        projectSettings(project).then((s) => {
          for (const d of s.departments || []) {
            knownDepartments.add(d);
          }
          scheduleRender();
        }, () => {});
      }
    } catch (error) {
      setText('who', error.message);
    }
  })();

  // The boards bring the agents and say when anything changed; their rows are not the list (one
  // row is asked for: the fewest a screen may take), so each change re-asks the page on screen.
  F.connectFloor({
    auth,
    projectId: projectParam,
    rows: () => 1,
    onChange: (boards) => {
      view = F.flatten(boards);
      scheduleRender();
      refreshSoon();
    },
  });
  askPage();
})();
