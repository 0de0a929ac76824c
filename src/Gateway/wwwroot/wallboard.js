// The wallboard: one project's live floor (?project=weibang-plaza) or all of the caller's projects
// (no parameter). Boards come whole from the hub (/hubs/wallboard) through floor-common.js: Join
// returns the boards now, then Board brings a project's new board each time it changes. Countdowns
// and times in state run here, from the instants on the board. Every piece of data goes into the
// page as text.
(() => {
  'use strict';

  const F = window.HotlineFloor;
  const { el, byTestId: $, label, humanize, instant, setText } = F;

  /** A caller waiting longer than this turns the longest-wait tile red. */
  const LONG_WAIT_MS = 20_000;
  /** A callback due within this long turns its tile amber; an overdue one red. */
  const CALLBACK_SOON_MS = 60 * 60_000;

  const params = new URLSearchParams(location.search);
  const projectId = (params.get('project') || '').trim() || F.ALL;
  const allProjects = projectId === F.ALL;
  document.body.dataset.scope = allProjects ? 'all' : 'project';
  // The wallboard's own demo user, unless the page was given a token (?token=).
  const auth = F.createAuth('wallboard', { demoUser: 'wallboard' });

  const STATUS_ORDER = Object.keys(F.STATUS);
  const ALERT = { SlaBreached: 'SLA BREACH 超时', LineSilent: 'LINE SILENT 无来电', BreakLimit: 'BREAK LIMIT 小休超时' };

  /** 87.5%, 100%: one decimal where it says something. */
  function percent(share) {
    if (share === null || share === undefined) {
      return '–';
    }
    const tenths = Math.round(share * 1000) / 10;
    return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)}%`;
  }

  /** Tiles whose colour changes with time alone, between boards (after the timers, every second). */
  function timeLevels(now) {
    const longest = instant($('longest-wait').dataset.since);
    level('longest-wait', Number.isNaN(longest) ? 'ok' : now - longest > LONG_WAIT_MS ? 'bad' : 'warn');
    const callback = instant($('next-callback').dataset.due);
    level('callbacks', Number.isNaN(callback) ? null : callback <= now ? 'bad' : callback - now < CALLBACK_SOON_MS ? 'warn' : null);
  }

  // ---------------------------------------------------------------------------------- boards
  /** projectId → { board, epoch }, kept by the connection; null until the server first answered. */
  let boards = null;

  /** What the page shows: one board, or the sum of all. */
  function floorView() {
    const floor = F.flatten(boards || new Map());
    const list = floor.boards;
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
      ...floor,
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
      resolved: sum((b) => b.resolvedToday),
      closed: sum((b) => b.closedToday),
      satisfaction: satisfactions.length ? satisfactions.reduce((a, b) => a + b, 0) / satisfactions.length : null,
      satisfactionAveraged: satisfactions.length > 1,
      alerts: list.flatMap((b) => (b.alerts || []).map((a) => ({ ...a, projectId: b.projectId })))
        .sort((a, b) => instant(b.at) - instant(a.at)),
    };
  }

  // ---------------------------------------------------------------------------------- rendering
  function render() {
    const view = floorView();
    const title = allProjects ? 'All projects 全部项目' : view.boards[0]?.name || projectId;
    setText('board-title', `${title} · 400 热线`);
    document.title = `${title} · Wallboard`;
    if (!boards) {
      return; // nothing from the server yet: the placeholders stay, rather than zeros that look like data
    }

    // What changes the height left for the lists first, then the lists, fitted to it.
    renderProjects(view);
    renderAlerts(view);
    renderCalls(view);
    renderTickets(view);
    renderAgents(view);
    tick();
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

  function renderTickets(view) {
    // The rows are the first the server sends (as many as fit, at least); the counts are of all.
    const tickets = F.sortTickets(view.tickets);
    const counts = view.counts;
    setText('open-tickets', String(counts.open));

    const byStatus = counts.byStatus;
    $('open-by-status').replaceChildren(...F.ordered(byStatus, STATUS_ORDER)
      .map((s) => F.chip(label(F.STATUS, s), byStatus.get(s), { 'data-testid': `open-status-${s}` })));
    const bySeverity = counts.bySeverity;
    $('open-by-severity').replaceChildren(...F.ordered(bySeverity, F.SEVERITY_ORDER)
      .map((s) => F.chip(`${humanize(s)} ${F.SEVERITY[s] || ''}`.trim(), bySeverity.get(s), { 'data-testid': `open-severity-${s}` })));

    const { atRisk, breached } = counts;
    setText('at-risk-count', String(atRisk));
    setText('breached-count', String(breached));
    $('at-risk-count').dataset.level = atRisk > 0 ? 'warn' : '';
    $('breached-count').dataset.level = breached > 0 ? 'bad' : '';
    level('risk', breached > 0 ? 'bad' : atRisk > 0 ? 'warn' : 'ok');

    setText('callbacks-due', String(counts.callbacksDue));
    const next = $('next-callback');
    if (counts.nextCallbackAt) {
      next.dataset.due = counts.nextCallbackAt;
    } else {
      delete next.dataset.due;
      delete next.dataset.overdue;
      next.textContent = '–';
    }

    const agents = new Map(view.agents.map((a) => [a.id, a]));
    /** Who has the ticket: its agent (the id when the board lists no such agent), then its department. */
    const owner = (t) => {
      const agent = agents.get(t.agent);
      const name = agent ? agent.name : t.agent;
      const title = [agent ? `${agent.workNumber} ${agent.name}` : t.agent, t.department].filter(Boolean).join(' · ');
      return el('span', { class: 'owner', title: title || null },
        name ? el('span', { class: 'owner-agent', 'data-testid': `agent-of-${t.number}` }, name) : null,
        t.department ? el('span', { class: 'owner-department', 'data-testid': `department-of-${t.number}` }, t.department) : null,
        title ? null : '—');
    };
    const rows = tickets.map((t) => el('div', {
      class: 'row ticket',
      'data-testid': `ticket-${t.number}`,
      'data-ticket-id': t.ticketId,
      'data-sla': t.slaState || 'None',
    },
    F.slaBadge(t),
    el('span', { class: 'number' }, t.number),
    el('span', null, F.kindAndFlags(t, { urgent: 'urgent' })),
    el('span', null, label(F.STATUS, t.status)),
    owner(t),
    el('span', { class: 'countdown', 'data-due': t.nextDueAt || null }, t.nextDueAt ? '' : '—'),
    el('span', { class: 'callback', title: 'callback due 回访' },
      t.callbackDueAt ? ['☎ ', el('span', { 'data-due': t.callbackDueAt })] : null)));
    fitRows($('ticket-rows'), rows, $('tickets-more'), 'No open tickets 无未结工单', counts.open - rows.length);
  }

  function renderAgents(view) {
    const agents = F.sortAgents(view.agents);
    const byState = F.countBy(agents, 'presence');
    $('agents-by-state').replaceChildren(...F.ordered(byState, F.PRESENCE_ORDER)
      .map((p) => F.chip(label(F.PRESENCE, p), byState.get(p), {
        'data-testid': `agents-${p}`,
        'data-level': p === 'Break' && agents.some((a) => a.presence === 'Break' && a.overBreakLimit) ? 'warn' : null,
      })));

    const rows = agents.map((a) => el('div', {
      class: 'row agent',
      'data-testid': `agent-${a.id}`,
      'data-presence': a.presence,
      'data-over-break': a.overBreakLimit ? 'true' : 'false',
    },
    el('span', { class: 'work' }, a.workNumber),
    el('span', null, a.name, allProjects ? el('span', { class: 'muted' }, ` · ${view.names.get(a.projectId) || a.projectId}`) : null),
    F.presenceBadge(a),
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
    // As many as fit in the strip, and how many more there are (the server sends the newest only).
    let hidden = Math.max(0, view.counts.alerts - view.alerts.length);
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
      const rate = b.calls?.answerRate ?? null;
      const below = rate !== null && rate < (b.calls?.answerRateTarget ?? 0.85);
      const { open, atRisk, breached } = F.addCounts([b]);
      return el('div', { class: 'project', 'data-testid': `project-${b.projectId}` },
        el('span', { class: 'name' }, b.name),
        metric('排队', String(b.calls?.waiting ?? 0), (b.calls?.waiting ?? 0) > 0 ? 'warn' : null),
        metric('接通', below ? `▼${percent(rate)}` : percent(rate), below ? 'bad' : null),
        metric('未结', String(open)),
        metric('预警', String(atRisk), atRisk > 0 ? 'warn' : null),
        metric('超时', String(breached), breached > 0 ? 'bad' : null));
    });
    strip.replaceChildren(...cells);
  }

  /** Shows the rows that fit in the container and "+N more" for the rest (and for <notSent> the server kept back): the page never scrolls. */
  function fitRows(container, rows, more, emptyText, notSent = 0) {
    if (!rows.length && notSent <= 0) {
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
    hidden += Math.max(0, notSent);
    more.textContent = hidden > 0 ? `+${hidden} more 更多` : '';
  }

  // ---------------------------------------------------------------------------------- start
  const tick = F.startTicking(timeLevels);
  const scheduleRender = F.renderLater(render);
  window.addEventListener('resize', scheduleRender);
  // A web font arriving changes text widths and heights: fit the lists again.
  document.fonts.addEventListener('loadingdone', scheduleRender);

  render();
  F.connectFloor({
    auth,
    projectId,
    // More rows than the tallest list could show: the ticket list is about a third of the screen's height, a row 1.2–1.6 rem.
    rows: () => Math.ceil(window.innerHeight / 12),
    offlineNote: '— reconnecting… 正在重连',
    onChange: (next) => {
      boards = next;
      scheduleRender();
    },
  });
})();
