// The wallboard: one project's live floor (?project=weibang-plaza) or all of the caller's projects
// (no parameter). Boards come whole from the hub (/hubs/wallboard): Join returns the boards now,
// then Board brings a project's new board each time it changes. Countdowns and times in state run
// here, from the instants on the board. Every piece of data goes into the page as text.
(() => {
  'use strict';

  const HUB = '/hubs/wallboard';
  const TOKEN_KEY = 'hotline.wallboard.token';
  const ALL = '*';
  /** Automatic reconnect: quickly at first, then every few seconds; after this long the slow loop takes over. */
  const RECONNECT_DELAYS = [0, 1000, 2000, 3000, 5000];
  const RECONNECT_FOR_MS = 60_000;
  /** The slow loop's longest pause between attempts, for the first connection and after the automatic retries. */
  const RETRY_CAP_MS = 5000;
  /** A caller waiting longer than this turns the longest-wait tile red. */
  const LONG_WAIT_MS = 20_000;
  /** A callback due within this long turns its tile amber; an overdue one red. */
  const CALLBACK_SOON_MS = 60 * 60_000;

  const params = new URLSearchParams(location.search);
  const projectId = (params.get('project') || '').trim() || ALL;
  const allProjects = projectId === ALL;
  document.body.dataset.scope = allProjects ? 'all' : 'project';

  // ---------------------------------------------------------------------------------- labels
  const PRESENCE = {
    OnCall: 'On call 通话', Available: 'Ready 示闲', WrapUp: 'Wrap-up 话后', Break: 'Break 小休',
    Leave: 'Leave 请假', Offline: 'Off 下班',
  };
  const PRESENCE_ORDER = ['OnCall', 'WrapUp', 'Available', 'Break', 'Leave', 'Offline'];
  const STATUS = {
    Pending: '待编号', Received: '受理', AwaitingAnswer: '待答复', Forwarded: '转交核实', Unfounded: '不属实',
    InProgress: '处理中', WaitingOnCustomer: '待客户', Resolved: '处理完毕', CustomerNotified: '已答复', Closed: '归档',
  };
  const STATUS_ORDER = Object.keys(STATUS);
  const KIND = { Inquiry: '咨询', Lookup: '查询', Complaint: '投诉', Suggestion: '建议', Repair: '报修' };
  const SEVERITY = { Simple: '简单', General: '一般', Complex: '复杂' };
  const SEVERITY_ORDER = ['Complex', 'General', 'Simple'];
  const SLA = {
    Breached: 'BREACH 超时', Missed: 'MISSED 逾期', AtRisk: 'AT RISK 预警', Running: 'ON TIME', Paused: 'PAUSED 暂停', Met: 'MET',
  };
  const SLA_RANK = { Breached: 0, Missed: 1, AtRisk: 2 };
  const ALERT = { SlaBreached: 'SLA BREACH 超时', LineSilent: 'LINE SILENT 无来电', BreakLimit: 'BREAK LIMIT 小休超时' };

  // ---------------------------------------------------------------------------------- page helpers
  const $ = (testId) => document.querySelector(`[data-testid="${testId}"]`);

  /** An element with attributes and children; strings become text nodes, so nothing is parsed as HTML. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, String(value));
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  function setText(testId, text) {
    const node = $(testId);
    if (node) {
      node.textContent = text;
    }
  }

  const humanize = (value) => String(value ?? '').replace(/([a-z])([A-Z])/g, '$1 $2');
  const label = (map, value) => map[value] || humanize(value);
  const pad = (n) => String(n).padStart(2, '0');
  const instant = (iso) => (iso ? Date.parse(iso) : NaN);

  /** mm:ss under an hour, h:mm:ss above. */
  function duration(ms) {
    const total = Math.floor(Math.max(0, ms) / 1000);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
  }

  /** 87.5%, 100%: one decimal where it says something. */
  function percent(share) {
    if (share === null || share === undefined) {
      return '–';
    }
    const tenths = Math.round(share * 1000) / 10;
    return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)}%`;
  }

  // ---------------------------------------------------------------------------------- live timers
  // Elements carrying data-since show the time elapsed since that instant; data-due a countdown to
  // it, shown as overdue once it has passed. One tick a second updates them all.
  function tickTimers() {
    const now = Date.now();
    for (const node of document.querySelectorAll('[data-since]')) {
      const since = instant(node.dataset.since);
      node.textContent = Number.isNaN(since) ? '–' : duration(now - since);
    }
    for (const node of document.querySelectorAll('[data-due]')) {
      const due = instant(node.dataset.due);
      if (Number.isNaN(due)) {
        node.textContent = '–';
        continue;
      }
      const left = due - now;
      const overdue = left < 0;
      node.textContent = overdue ? `−${duration(-left)}` : duration(left);
      if (node.dataset.overdue !== String(overdue)) {
        node.dataset.overdue = String(overdue);
      }
    }
    timeLevels(now);
    const clock = $('clock');
    const date = new Date(now);
    clock.textContent = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  }

  /** Tiles whose colour changes with time alone, between boards. */
  function timeLevels(now) {
    const longest = instant($('longest-wait').dataset.since);
    level('longest-wait', Number.isNaN(longest) ? 'ok' : now - longest > LONG_WAIT_MS ? 'bad' : 'warn');
    const callback = instant($('next-callback').dataset.due);
    level('callbacks', Number.isNaN(callback) ? null : callback <= now ? 'bad' : callback - now < CALLBACK_SOON_MS ? 'warn' : null);
  }

  // ---------------------------------------------------------------------------------- boards
  /** projectId → { board, epoch }: the epoch says during which Join a board came. */
  const boards = new Map();
  let joinEpoch = 0;
  let lastMessageAt = null;

  function acceptBoard(board) {
    if (!board || typeof board.projectId !== 'string') {
      return;
    }
    if (!allProjects && board.projectId !== projectId) {
      return;
    }
    const current = boards.get(board.projectId);
    if (current && instant(board.generatedAt) < instant(current.board.generatedAt)) {
      return; // an older board overtaken by a newer one
    }
    boards.set(board.projectId, { board, epoch: joinEpoch });
    lastMessageAt = Date.now();
    scheduleRender();
  }

  /** Join's answer replaces every board, except one that came during this Join and is newer. */
  function replaceBoards(result, epoch) {
    const next = new Map();
    for (const board of result || []) {
      const current = boards.get(board.projectId);
      const keep = current && current.epoch === epoch && instant(current.board.generatedAt) > instant(board.generatedAt);
      next.set(board.projectId, keep ? current : { board, epoch });
    }
    for (const [id, entry] of boards) {
      if (!next.has(id) && entry.epoch === epoch) {
        next.set(id, entry);
      }
    }
    boards.clear();
    for (const [id, entry] of next) {
      boards.set(id, entry);
    }
    lastMessageAt = Date.now();
    scheduleRender();
  }

  /** What the page shows: one board, or the sum of all. */
  function floorView() {
    const list = [...boards.values()].map((e) => e.board).sort((a, b) => String(a.name).localeCompare(String(b.name), 'zh-CN'));
    const names = new Map(list.map((b) => [b.projectId, b.name]));
    const sum = (pick) => list.reduce((total, b) => total + (pick(b) || 0), 0);
    const calls = list.map((b) => b.calls || {});
    const answered = sum((b) => b.calls?.answeredToday);
    const abandoned = sum((b) => b.calls?.abandonedToday);
    const offered = sum((b) => b.calls?.offeredToday);
    const longest = calls.map((c) => instant(c.longestWaitingSince)).filter((t) => !Number.isNaN(t));
    const levels = list.filter((b) => b.calls?.serviceLevel !== null && b.calls?.serviceLevel !== undefined);
    const levelWeight = levels.reduce((total, b) => total + (b.calls.offeredToday || 0), 0);
    const satisfactions = list.map((b) => b.satisfactionToday).filter((s) => s !== null && s !== undefined);
    const single = list.length === 1 ? list[0] : null;
    return {
      boards: list,
      names,
      waiting: sum((b) => b.calls?.waiting),
      longestSince: longest.length ? new Date(Math.min(...longest)).toISOString() : null,
      answered,
      abandoned,
      offered,
      answerRate: single ? single.calls?.answerRate ?? null : answered + abandoned > 0 ? answered / (answered + abandoned) : null,
      target: Math.max(0, ...calls.map((c) => c.answerRateTarget || 0)) || 0.85,
      serviceLevel: single
        ? single.calls?.serviceLevel ?? null
        : levelWeight > 0 ? levels.reduce((total, b) => total + b.calls.serviceLevel * (b.calls.offeredToday || 0), 0) / levelWeight : null,
      agents: list.flatMap((b) => (b.agents || []).map((a) => ({ ...a, projectId: b.projectId }))),
      tickets: list.flatMap((b) => (b.openTickets || []).map((t) => ({ ...t, projectId: b.projectId }))),
      resolved: sum((b) => b.resolvedToday),
      closed: sum((b) => b.closedToday),
      satisfaction: satisfactions.length ? satisfactions.reduce((a, b) => a + b, 0) / satisfactions.length : null,
      satisfactionAveraged: satisfactions.length > 1,
      alerts: list.flatMap((b) => (b.alerts || []).map((a) => ({ ...a, projectId: b.projectId })))
        .sort((a, b) => instant(b.at) - instant(a.at)),
    };
  }

  // ---------------------------------------------------------------------------------- rendering
  let renderQueued = false;

  function scheduleRender() {
    if (!renderQueued) {
      renderQueued = true;
      requestAnimationFrame(() => {
        renderQueued = false;
        render();
      });
    }
  }

  function render() {
    const view = floorView();
    const title = allProjects ? 'All projects 全部项目' : view.boards[0]?.name || projectId;
    setText('board-title', `${title} · 400 热线`);
    document.title = `${title} · Wallboard`;
    setText('last-update', lastMessageAt ? `updated ${new Date(lastMessageAt).toLocaleTimeString('zh-CN', { hour12: false })}` : '');
    if (!lastMessageAt) {
      return; // nothing from the server yet: the placeholders stay, rather than zeros that look like data
    }

    // What changes the height left for the lists first, then the lists, fitted to it.
    renderProjects(view);
    renderAlerts(view);
    renderCalls(view);
    renderTickets(view);
    renderAgents(view);
    tickTimers();
  }

  function level(tile, value) {
    const node = document.querySelector(`[data-tile="${tile}"]`);
    if (value) {
      node.dataset.level = value;
    } else {
      delete node.dataset.level;
    }
  }

  function renderCalls(view) {
    setText('calls-waiting', String(view.waiting));
    const longest = $('longest-wait');
    if (view.longestSince) {
      longest.dataset.since = view.longestSince;
    } else {
      delete longest.dataset.since;
      longest.textContent = '–';
    }
    level('waiting', view.waiting === 0 ? 'ok' : view.waiting >= 3 ? 'bad' : 'warn');
    setText('offered-today', String(view.offered));

    setText('answer-rate', percent(view.answerRate));
    setText('answered-today', String(view.answered));
    setText('abandoned-today', String(view.abandoned));
    const flag = $('answer-rate-flag');
    const targetText = `${Math.round(view.target * 100)}%`;
    const meter = document.querySelector('[data-tile="answer-rate"] .meter');
    meter.querySelector('.meter-line').style.left = `${view.target * 100}%`;
    const meterLabel = meter.querySelector('.meter-label');
    meterLabel.style.left = `${view.target * 100}%`;
    meterLabel.textContent = targetText;
    meter.querySelector('.meter-fill').style.width = `${Math.min(1, view.answerRate ?? 0) * 100}%`;
    if (view.answerRate === null) {
      flag.textContent = `target ${targetText}`;
      delete flag.dataset.level;
      level('answer-rate', null);
    } else if (view.answerRate >= view.target) {
      flag.textContent = `✓ ≥ ${targetText} 达标`;
      flag.dataset.level = 'ok';
      level('answer-rate', 'ok');
    } else {
      flag.textContent = `▼ BELOW ${targetText} 未达标`;
      flag.dataset.level = 'bad';
      level('answer-rate', 'bad');
    }

    setText('service-level', percent(view.serviceLevel));
    level('service-level', view.serviceLevel === null ? null : view.serviceLevel >= view.target ? 'ok' : 'warn');

    setText('resolved-today', String(view.resolved));
    setText('closed-today', String(view.closed));
    setText('satisfaction', view.satisfaction === null ? '–' : percent(view.satisfaction));
    const satisfactionSub = document.querySelector('[data-tile="satisfaction"] .sub');
    satisfactionSub.textContent = view.satisfactionAveraged ? 'callbacks avg 回访均值' : "today's callbacks 回访";
  }

  function sortTickets(tickets) {
    const rank = (t) => SLA_RANK[t.slaState] ?? 3;
    const due = (t) => {
      const at = instant(t.nextDueAt);
      return Number.isNaN(at) ? Number.MAX_SAFE_INTEGER : at;
    };
    return tickets.slice().sort((a, b) => rank(a) - rank(b) || due(a) - due(b) || instant(a.receivedAt) - instant(b.receivedAt));
  }

  function chip(text, count, testId, levelValue) {
    return el('span', { class: 'chip', 'data-testid': testId, 'data-level': levelValue }, text, ' ', el('b', null, String(count)));
  }

  function countBy(items, key) {
    const counts = new Map();
    for (const item of items) {
      counts.set(item[key], (counts.get(item[key]) || 0) + 1);
    }
    return counts;
  }

  function ordered(counts, order) {
    return [...counts.keys()].sort((a, b) => {
      const ia = order.indexOf(a);
      const ib = order.indexOf(b);
      return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || String(a).localeCompare(String(b));
    });
  }

  function renderTickets(view) {
    const tickets = sortTickets(view.tickets);
    setText('open-tickets', String(tickets.length));

    const byStatus = countBy(tickets, 'status');
    $('open-by-status').replaceChildren(...ordered(byStatus, STATUS_ORDER)
      .map((s) => chip(label(STATUS, s), byStatus.get(s), `open-status-${s}`)));
    const bySeverity = countBy(tickets, 'severity');
    $('open-by-severity').replaceChildren(...ordered(bySeverity, SEVERITY_ORDER)
      .map((s) => chip(`${humanize(s)} ${SEVERITY[s] || ''}`.trim(), bySeverity.get(s), `open-severity-${s}`)));

    const atRisk = tickets.filter((t) => t.slaState === 'AtRisk').length;
    const breached = tickets.filter((t) => t.slaState === 'Breached' || t.slaState === 'Missed').length;
    setText('at-risk-count', String(atRisk));
    setText('breached-count', String(breached));
    $('at-risk-count').dataset.level = atRisk > 0 ? 'warn' : '';
    $('breached-count').dataset.level = breached > 0 ? 'bad' : '';
    level('risk', breached > 0 ? 'bad' : atRisk > 0 ? 'warn' : 'ok');

    const callbacks = tickets.filter((t) => !Number.isNaN(instant(t.callbackDueAt)))
      .sort((a, b) => instant(a.callbackDueAt) - instant(b.callbackDueAt));
    setText('callbacks-due', String(callbacks.length));
    const next = $('next-callback');
    if (callbacks.length) {
      next.dataset.due = callbacks[0].callbackDueAt;
    } else {
      delete next.dataset.due;
      delete next.dataset.overdue;
      next.textContent = '–';
    }

    const agentNames = new Map(view.agents.map((a) => [a.id, a.name]));
    const rows = tickets.map((t) => el('div', {
      class: 'row ticket',
      'data-testid': `ticket-${t.number}`,
      'data-ticket-id': t.ticketId,
      'data-sla': t.slaState || 'None',
    },
    el('span', { class: 'sla' }, t.slaState ? label(SLA, t.slaState) : '—'),
    el('span', { class: 'number' }, t.number),
    el('span', null,
      t.urgent ? el('span', { class: 'flag', 'data-testid': 'urgent', title: 'urgent' }, '紧急') : null,
      t.escalationLevel > 0 ? el('span', { class: 'flag', title: 'escalated' }, `↑${t.escalationLevel}`) : null,
      label(KIND, t.kind), ' · ', label(SEVERITY, t.severity)),
    el('span', null, label(STATUS, t.status)),
    el('span', { class: 'muted' }, t.department || agentNames.get(t.agent) || t.agent || '—'),
    el('span', { class: 'countdown', 'data-due': t.nextDueAt || null }, t.nextDueAt ? '' : '—'),
    el('span', { class: 'callback', title: 'callback due 回访' },
      t.callbackDueAt ? ['☎ ', el('span', { 'data-due': t.callbackDueAt })] : null)));
    fitRows($('ticket-rows'), rows, $('tickets-more'), 'No open tickets 无未结工单');
  }

  function renderAgents(view) {
    const agents = view.agents.slice().sort((a, b) =>
      Number(b.overBreakLimit) - Number(a.overBreakLimit)
      || PRESENCE_ORDER.indexOf(a.presence) - PRESENCE_ORDER.indexOf(b.presence)
      || String(a.workNumber).localeCompare(String(b.workNumber)));
    const byState = countBy(agents, 'presence');
    $('agents-by-state').replaceChildren(...ordered(byState, PRESENCE_ORDER)
      .map((p) => chip(label(PRESENCE, p), byState.get(p), `agents-${p}`,
        p === 'Break' && agents.some((a) => a.presence === 'Break' && a.overBreakLimit) ? 'warn' : null)));

    const rows = agents.map((a) => el('div', {
      class: 'row agent',
      'data-testid': `agent-${a.id}`,
      'data-presence': a.presence,
      'data-over-break': a.overBreakLimit ? 'true' : 'false',
    },
    el('span', { class: 'work' }, a.workNumber),
    el('span', null, a.name, allProjects ? el('span', { class: 'muted' }, ` · ${view.names.get(a.projectId) || a.projectId}`) : null),
    el('span', { class: 'state', 'data-presence': a.presence }, a.overBreakLimit ? 'OVER BREAK 超时' : label(PRESENCE, a.presence)),
    el('span', { class: 'timer', 'data-since': a.since, 'data-testid': `agent-${a.id}-in-state` }),
    el('span', { class: 'num', title: 'open tickets' }, String(a.openTickets ?? 0))));
    fitRows($('agent-rows'), rows, $('agents-more'), 'No agents on the floor 无坐席');
  }

  function renderAlerts(view) {
    const container = $('alerts');
    if (!view.alerts.length) {
      container.replaceChildren(el('span', { class: 'no-alerts' }, 'No alerts 无告警'));
      return;
    }
    // Short enough for several to stand side by side: the label says what happened, the ticket's
    // number (its prefix names the project) or the agent says where; the server's text otherwise.
    const tickets = new Map(view.tickets.map((t) => [t.ticketId, t]));
    const agents = new Map(view.agents.map((a) => [a.id, a]));
    const pills = view.alerts.map((a) => {
      const kind = ALERT[a.kind] ? a.kind : 'Other';
      const ticket = a.ticketId ? tickets.get(a.ticketId) : null;
      const agent = a.agentId ? agents.get(a.agentId) : null;
      const text = ticket ? ticket.number : agent ? `${agent.workNumber} ${agent.name}` : a.text;
      const where = allProjects && !ticket ? view.names.get(a.projectId) || a.projectId : null;
      return el('div', { class: 'alert', 'data-kind': kind, 'data-testid': `alert-${a.kind}`, role: 'status', title: a.text },
        el('span', { class: 'alert-kind' }, ALERT[a.kind] || humanize(a.kind).toUpperCase()),
        where ? el('span', { class: 'alert-project' }, where) : null,
        el('span', { class: 'alert-text' }, text),
        el('span', { class: 'alert-age', 'data-since': a.at }));
    });
    container.replaceChildren(...pills);
    // As many as fit in the strip, and how many more there are.
    let hidden = 0;
    while (container.children.length > 1 && container.scrollWidth > container.clientWidth) {
      container.lastElementChild.remove();
      hidden++;
    }
    if (hidden > 0) {
      const more = el('div', { class: 'alert more-alerts', 'data-testid': 'alerts-more' }, `+${hidden} more`);
      container.append(more);
      while (container.children.length > 2 && container.scrollWidth > container.clientWidth) {
        more.previousElementSibling.remove();
        hidden++;
        more.textContent = `+${hidden} more`;
      }
    }
  }

  function renderProjects(view) {
    const strip = $('projects');
    if (!allProjects) {
      strip.hidden = true;
      return;
    }
    strip.hidden = view.boards.length < 2;
    const metric = (name, value, levelValue) => el('span', null, el('small', null, name), el('b', { 'data-level': levelValue }, value));
    const cells = view.boards.map((b) => {
      const open = b.openTickets || [];
      const rate = b.calls?.answerRate ?? null;
      const below = rate !== null && rate < (b.calls?.answerRateTarget ?? 0.85);
      const atRisk = open.filter((t) => t.slaState === 'AtRisk').length;
      const breached = open.filter((t) => t.slaState === 'Breached' || t.slaState === 'Missed').length;
      return el('div', { class: 'project', 'data-testid': `project-${b.projectId}` },
        el('span', { class: 'name' }, b.name),
        metric('排队', String(b.calls?.waiting ?? 0), (b.calls?.waiting ?? 0) > 0 ? 'warn' : null),
        metric('接通', below ? `▼${percent(rate)}` : percent(rate), below ? 'bad' : null),
        metric('未结', String(open.length)),
        metric('预警', String(atRisk), atRisk > 0 ? 'warn' : null),
        metric('超时', String(breached), breached > 0 ? 'bad' : null));
    });
    strip.replaceChildren(...cells);
  }

  /** Shows the rows that fit in the container and "+N more" for the rest: the page never scrolls. */
  function fitRows(container, rows, more, emptyText) {
    if (!rows.length) {
      container.replaceChildren(el('div', { class: 'empty' }, emptyText));
      more.textContent = '';
      return;
    }
    container.replaceChildren(...rows);
    let hidden = 0;
    while (container.children.length > 0 && container.scrollHeight > container.clientHeight) {
      container.lastElementChild.remove();
      hidden++;
    }
    more.textContent = hidden > 0 ? `+${hidden} more 更多` : '';
  }

  // ---------------------------------------------------------------------------------- connection state
  const STATE_TEXT = { connecting: 'connecting… 连接中', live: 'live 在线', reconnecting: 'reconnecting 重连中', offline: 'offline 离线', problem: 'no board 无数据' };

  function setState(state, detail) {
    document.body.dataset.state = state;
    setText('connection-state', STATE_TEXT[state] || state);
    const banner = $('offline-banner');
    const down = state === 'offline' || state === 'reconnecting' || state === 'problem';
    banner.hidden = !down;
    banner.querySelector('.offline-flag').textContent = state === 'problem' ? 'NO BOARD 无数据' : 'OFFLINE 离线';
    banner.querySelector('.offline-text').textContent = state === 'problem' ? '' : '— reconnecting… 正在重连';
    const since = lastMessageAt ? ` · last update ${new Date(lastMessageAt).toLocaleTimeString('zh-CN', { hour12: false })}` : '';
    setText('offline-detail', down ? `${detail ? String(detail) : ''}${since}` : '');
  }

  const describe = (error) => (error && error.message ? error.message.replace(/\s+/g, ' ').slice(0, 160) : '');
  const isUnauthorized = (error) => error && (error.statusCode === 401 || /\b401\b|Unauthorized/i.test(String(error.message)));

  // ---------------------------------------------------------------------------------- tokens
  // A token from the URL (?token=) is kept for the tab in sessionStorage and taken off the address
  // bar; without one the page asks the embedded default's demo endpoint for the wallboard user's,
  // and asks again for each new connection, since a restarted demo node signs with a new key.
  const auth = { token: null, source: 'demo', expiresAt: 0, fresh: false };
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const query = params.toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  }
  if (sessionStorage.getItem(TOKEN_KEY)) {
    auth.token = sessionStorage.getItem(TOKEN_KEY);
    auth.source = 'given';
  }

  async function demoToken() {
    const response = await fetch('/demo/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: 'wallboard' }),
      cache: 'no-store',
    });
    if (!response.ok) {
      throw new Error(response.status === 404 || response.status === 401
        ? 'no token: open the page with ?token=… (the demo users are off)'
        : `token endpoint answered ${response.status}`);
    }
    const issued = await response.json();
    auth.token = issued.token;
    auth.expiresAt = instant(issued.expiresAt) || 0;
    auth.fresh = true;
  }

  async function accessToken() {
    if (auth.source === 'demo' && (!auth.fresh || !auth.token || Date.now() > auth.expiresAt - 60_000)) {
      await demoToken();
    }
    return auth.token;
  }

  /** A connection is starting again: a demo token is fetched anew for it. */
  function tokenNeeded() {
    if (auth.source === 'demo') {
      auth.fresh = false;
    }
  }

  function tokenRefused() {
    if (auth.source === 'given') {
      // The given token is no good (expired, or another issuer): try the demo users before giving up.
      sessionStorage.removeItem(TOKEN_KEY);
      auth.source = 'demo';
      auth.token = null;
    }
    auth.fresh = false;
  }

  // ---------------------------------------------------------------------------------- connection
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(HUB, { accessTokenFactory: accessToken })
    .withAutomaticReconnect({
      nextRetryDelayInMilliseconds: (context) => (context.elapsedMilliseconds >= RECONNECT_FOR_MS
        ? null
        : RECONNECT_DELAYS[Math.min(context.previousRetryCount, RECONNECT_DELAYS.length - 1)]),
    })
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  connection.on('Board', acceptBoard);
  connection.onreconnecting((error) => {
    tokenNeeded();
    setState('reconnecting', describe(error) || 'connection lost');
  });
  connection.onreconnected(() => join());
  connection.onclose((error) => {
    tokenNeeded();
    setState('offline', describe(error) || 'connection closed');
    connect();
  });

  // The slow loop's pause can be cut short (the browser says the network is back).
  let wake = null;
  const pause = (ms) => new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wake = null;
      resolve();
    }
    wake = done;
  });

  let connecting = false;

  /** Connects, retrying with a growing pause until it works, then joins. */
  async function connect() {
    if (connecting) {
      return;
    }
    connecting = true;
    try {
      for (let attempt = 0; connection.state === signalR.HubConnectionState.Disconnected; attempt++) {
        try {
          await connection.start();
        } catch (error) {
          if (isUnauthorized(error)) {
            tokenRefused();
          } else {
            tokenNeeded();
          }
          setState('offline', describe(error) || 'cannot reach the server');
          await pause(Math.min(RETRY_CAP_MS, 500 * 2 ** attempt));
        }
      }
    } finally {
      connecting = false;
    }
    if (connection.state === signalR.HubConnectionState.Connected) {
      await join();
    }
  }

  /** Joins the project (or all) and replaces the boards with the answer. */
  async function join() {
    const epoch = ++joinEpoch;
    try {
      const result = await connection.invoke('Join', projectId);
      if (epoch === joinEpoch) {
        replaceBoards(result, epoch);
        setState('live');
      }
    } catch (error) {
      if (connection.state !== signalR.HubConnectionState.Connected) {
        return; // the connection went: reconnecting joins again
      }
      setState('problem', describe(error).replace(/^.*HubException: /, '') || `cannot show ${projectId}`);
      await pause(10_000);
      if (epoch === joinEpoch && connection.state === signalR.HubConnectionState.Connected) {
        await join();
      }
    }
  }

  window.addEventListener('offline', () => setState('offline', 'the network is down 网络中断'));
  window.addEventListener('online', () => {
    if (connection.state === signalR.HubConnectionState.Connected && document.body.dataset.state === 'offline') {
      setState('live');
    }
    if (wake) {
      wake();
    }
  });
  window.addEventListener('resize', scheduleRender);
  // A web font arriving changes text widths and heights: fit the lists again.
  document.fonts.addEventListener('loadingdone', scheduleRender);

  setInterval(tickTimers, 1000);
  tickTimers();
  render();
  connect();
})();
