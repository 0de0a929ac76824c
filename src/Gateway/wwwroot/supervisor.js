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
  let view = F.flatten(new Map());
  const knownDepartments = new Set();

  const filterInputs = {
    project: $('filter-project'),
    status: $('filter-status'),
    severity: $('filter-severity'),
    department: $('filter-department'),
    agent: $('filter-agent'),
    atRisk: $('filter-at-risk'),
  };

  function agentName(id) {
    const agent = view.agents.find((a) => a.id === id);
    return agent ? `${agent.workNumber} ${agent.name}` : id;
  }

  function fillFilters() {
    const count = (key, value) => view.tickets.filter((t) => t[key] === value).length;
    F.fillSelect(filterInputs.project, [['', '全部 All'], ...view.boards.map((b) => [b.projectId, b.name])]);
    F.fillSelect(filterInputs.status, [['', '全部 All'],
      ...F.OPEN_STATUSES.map((s) => [s, `${label(F.STATUS, s)} ${F.humanize(s)} (${count('status', s)})`])]);
    F.fillSelect(filterInputs.severity, [['', '全部 All'],
      ...F.SEVERITY_ORDER.map((s) => [s, `${F.SEVERITY[s]} ${s} (${count('severity', s)})`])]);
    for (const t of view.tickets) {
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

  function matches(t) {
    const f = {
      project: filterInputs.project.value,
      status: filterInputs.status.value,
      severity: filterInputs.severity.value,
      department: filterInputs.department.value,
      agent: filterInputs.agent.value,
    };
    return (!f.project || t.projectId === f.project)
      && (!f.status || t.status === f.status)
      && (!f.severity || t.severity === f.severity)
      && (!f.department || (f.department === '-' ? !t.department : t.department === f.department))
      && (!f.agent || (f.agent === '-' ? !t.agent : t.agent === f.agent))
      && (!filterInputs.atRisk.checked || F.AT_RISK.includes(t.slaState));
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
    const all = F.sortTickets(view.tickets);
    const shown = all.filter(matches);
    const several = view.boards.length > 1;
    document.body.dataset.scope = several ? 'all' : 'project';
    setText('ticket-count', shown.length === all.length ? `${all.length} open 未结` : `${shown.length} of ${all.length} shown 显示`);
    const selected = panel ? panel.ticketId : null;
    const rows = shown.map((t) => el('tr', {
      'data-testid': `ticket-${t.number}`,
      'data-ticket-id': t.ticketId,
      'data-project': t.projectId,
      'data-agent': t.agent || '',
      'data-department': t.department || '',
      'data-status': t.status,
      'data-sla': t.slaState || 'None',
      'aria-selected': t.ticketId === selected ? 'true' : null,
    },
    el('td', null, F.slaBadge(t)),
    el('td', { class: 'number' }, t.number),
    el('td', { class: 'project-col muted' }, t.projectName),
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
    const rows = agents.map((a) => el('button', {
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
    $('agent-rows').replaceChildren(...(rows.length ? rows : [el('p', { class: 'empty' }, 'No agents 无坐席')]));
  }

  for (const input of Object.values(filterInputs)) {
    input.addEventListener('change', () => {
      renderTickets();
      renderAgents();
    });
  }
  $('filters').addEventListener('reset', () => setTimeout(() => {
    renderTickets();
    renderAgents();
  }));
  $('filters').addEventListener('submit', (event) => event.preventDefault());
  $('agent-rows').addEventListener('click', (event) => {
    const row = event.target.closest('[data-agent-id]');
    if (row) {
      filterInputs.agent.value = filterInputs.agent.value === row.dataset.agentId ? '' : row.dataset.agentId;
      renderTickets();
      renderAgents();
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
    const row = view.tickets.find((t) => t.ticketId === ticketId);
    if (!row) {
      return;
    }
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

  F.connectFloor({
    auth,
    projectId: projectParam,
    onChange: (boards) => {
      view = F.flatten(boards);
      scheduleRender();
    },
  });
})();
