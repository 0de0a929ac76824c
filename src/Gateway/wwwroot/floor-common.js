// Shared by the floor's pages (wallboard.html, supervisor.html, agent.html) and reports.html, loaded before each
// page's own script: building the page from text only, the labels of the floor, formatting and live
// timers, the pieces of a ticket or agent row every page shows alike, who the page acts for (a demo
// user's token, ?user=, or a token given with ?token=), the REST API with the bearer token and
// If-Match, and the live floor from the hub (/hubs/wallboard) with the connection state and the
// offline banner.
window.HotlineFloor = (() => {
  'use strict';

  const HUB = '/hubs/wallboard';
  const ALL = '*';
  const RECONNECT_DELAYS = [0, 1000, 2000, 3000, 5000];
  const RECONNECT_FOR_MS = 60_000;
  const RETRY_CAP_MS = 5000;

  // ---------------------------------------------------------------------------------- labels
  const PRESENCE = {
    Available: 'Ready 示闲', OnCall: 'On call 通话', WrapUp: 'Wrap-up 话后', Break: 'Break 小休', Leave: 'Leave 请假', Offline: 'Off 下班',
  };
  const PRESENCE_ORDER = ['OnCall', 'WrapUp', 'Available', 'Break', 'Leave', 'Offline'];
  const STATUS = {
    Pending: '待编号', Received: '受理', AwaitingAnswer: '待答复', Forwarded: '转交核实', Unfounded: '不属实',
    InProgress: '处理中', WaitingOnCustomer: '待客户', Resolved: '处理完毕', CustomerNotified: '已答复', Closed: '归档',
  };
  const OPEN_STATUSES = ['Received', 'AwaitingAnswer', 'Forwarded', 'Unfounded', 'InProgress', 'WaitingOnCustomer', 'Resolved', 'CustomerNotified'];
  const KIND = { Complaint: '投诉', Inquiry: '咨询', Lookup: '查询', Suggestion: '建议', Repair: '报修' };
  const SEVERITY = { Simple: '简单', General: '一般', Complex: '复杂' };
  const SEVERITY_ORDER = ['Complex', 'General', 'Simple'];
  const CHANNEL = { Phone: '400电话', Web: '网站', Email: '邮件', WalkIn: '来访', SocialMedia: '社交媒体', Regulator: '主管部门' };
  const SLA = {
    Breached: 'BREACH 超时', Missed: 'MISSED 逾期', AtRisk: 'AT RISK 预警', Running: 'ON TIME', Paused: 'PAUSED 暂停', Met: 'MET',
  };
  const SLA_RANK = { Breached: 0, Missed: 1, AtRisk: 2 };
  const AT_RISK = ['AtRisk', 'Breached', 'Missed'];

  // ---------------------------------------------------------------------------------- page helpers
  const byTestId = (testId, root = document) => root.querySelector(`[data-testid="${CSS.escape(testId)}"]`);

  /** An element with attributes and children; strings become text nodes, so nothing is parsed as HTML. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, value === true ? '' : String(value));
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
    const node = byTestId(testId);
    if (node) {
      node.textContent = text;
    }
  }

  /** Replaces a select's options, keeping the chosen value when it is still offered. */
  function fillSelect(select, options, keep = true) {
    const chosen = select.value;
    select.replaceChildren(...options.map(([value, text]) => el('option', { value }, text)));
    if (keep && options.some(([value]) => value === chosen)) {
      select.value = chosen;
    }
  }

  const humanize = (value) => String(value ?? '').replace(/([a-z])([A-Z])/g, '$1 $2');
  const label = (map, value) => map[value] || humanize(value);
  const pad = (n) => String(n).padStart(2, '0');
  const instant = (iso) => (iso ? Date.parse(iso) : NaN);

  /**
   * mm:ss under an hour, h:mm:ss under a day, and days and hours (4天15时) from a day on: a
   * countdown days past its deadline must read at a glance across the room, not as 111:12:31.
   */
  function duration(ms) {
    const total = Math.floor(Math.max(0, ms) / 1000);
    const days = Math.floor(total / 86400);
    const hours = Math.floor((total % 86400) / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    if (days > 0) {
      return `${days}天${hours}时`;
    }
    return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
  }

  const timeOfDay = (ms) => {
    const date = new Date(ms);
    return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  };

  const dateTime = (iso) => {
    const at = instant(iso);
    if (Number.isNaN(at)) {
      return '–';
    }
    const date = new Date(at);
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  };

  /** item[key] → how many items have it. */
  function countBy(items, key) {
    const counts = new Map();
    for (const item of items) {
      counts.set(item[key], (counts.get(item[key]) || 0) + 1);
    }
    return counts;
  }

  /** The keys of counts in the given order, any others after them. */
  function ordered(counts, order) {
    const rank = (key) => (order.includes(key) ? order.indexOf(key) : order.length);
    return [...counts.keys()].sort((a, b) => rank(a) - rank(b) || String(a).localeCompare(String(b)));
  }

  /** A count with its label, as the summaries show them. */
  const chip = (text, count, attributes) => el('span', { class: 'chip', ...attributes }, text, ' ', el('b', null, String(count)));

  /** Runs render once at the next frame however often it is asked for before then. */
  function renderLater(render) {
    let queued = false;
    return () => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          render();
        });
      }
    };
  }

  // ---------------------------------------------------------------------------------- tickets and agents
  /** Breached, missed, at risk first, then by the next deadline, then the oldest. */
  function sortTickets(tickets) {
    const rank = (t) => SLA_RANK[t.slaState] ?? 3;
    const due = (t) => {
      const at = instant(t.nextDueAt);
      return Number.isNaN(at) ? Number.MAX_SAFE_INTEGER : at;
    };
    return tickets.slice().sort((a, b) => rank(a) - rank(b) || due(a) - due(b) || instant(a.receivedAt) - instant(b.receivedAt));
  }

  /** The ticket's SLA state as a badge (the row carries data-sla for its colour). */
  const slaBadge = (t) => el('span', { class: 'sla' }, t.slaState ? label(SLA, t.slaState) : '—');

  /** What goes in a ticket's kind cell: its flags (urgent, escalated), then kind · severity. */
  const kindAndFlags = (t, testIds = {}) => [
    t.urgent ? el('span', { class: 'flag', title: 'urgent', 'data-testid': testIds.urgent }, '紧急') : null,
    t.escalationLevel > 0 ? el('span', { class: 'flag', title: 'escalated', 'data-testid': testIds.escalated }, `↑${t.escalationLevel}`) : null,
    label(KIND, t.kind), ' · ', label(SEVERITY, t.severity),
  ];

  /** Over the break limit first, then by presence (on call first), then by work number. */
  const sortAgents = (agents) => agents.slice().sort((a, b) =>
    Number(b.overBreakLimit) - Number(a.overBreakLimit)
    || PRESENCE_ORDER.indexOf(a.presence) - PRESENCE_ORDER.indexOf(b.presence)
    || String(a.workNumber).localeCompare(String(b.workNumber)));

  /** An agent's presence badge: the state, or OVER BREAK past the break limit. */
  const presenceBadge = (a, testId) => el('span', { class: 'state', 'data-presence': a.presence, 'data-testid': testId },
    a.overBreakLimit ? 'OVER BREAK 超时' : label(PRESENCE, a.presence));

  // ---------------------------------------------------------------------------------- live timers
  // Elements with data-since show the time elapsed since that instant; data-due a countdown to it,
  // shown as overdue (−) once it has passed. The page's own tick runs after, with the same now.
  function tickTimers(now) {
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
    setText('clock', timeOfDay(now));
  }

  function startTicking(onTick) {
    const run = () => {
      const now = Date.now();
      tickTimers(now);
      if (onTick) {
        onTick(now);
      }
    };
    run();
    setInterval(run, 1000);
    return run;
  }

  // ---------------------------------------------------------------------------------- who the page acts for
  const listOf = (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

  /** The claims of a JWT, read (not checked: the server checks) to know who the page acts for. */
  function claimsOf(token) {
    try {
      const part = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const binary = atob(part.padEnd(Math.ceil(part.length / 4) * 4, '='));
      const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
      return {
        sub: typeof claims.sub === 'string' ? claims.sub : null,
        roles: listOf(claims.role).map(String),
        projects: listOf(claims.project).map(String),
      };
    } catch {
      return { sub: null, roles: [], projects: [] };
    }
  }

  /**
   * The page's token: a demo user's (?user=agent-gc-1), fetched from the embedded default and
   * fetched again for each new connection since a restarted demo node signs with a new key; or
   * one given with ?token=, kept for the tab in sessionStorage and taken off the address bar.
   * A page with a demo user of its own (the wallboard's 'wallboard') reads no ?user=: it uses a
   * given token when there is one, its demo user otherwise, and when the server refuses it.
   */
  function createAuth(page, { demoUser = null } = {}) {
    const params = new URLSearchParams(location.search);
    const key = `hotline.${page}.token`;
    const fromUrl = params.get('token');
    if (fromUrl) {
      sessionStorage.setItem(key, fromUrl);
      params.delete('token');
      const query = params.toString();
      history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    }
    let user = demoUser ? '' : (params.get('user') || '').trim();
    const state = { token: null, expiresAt: 0, fresh: false, source: 'none' };
    if (user) {
      state.source = 'demo';
    } else if (sessionStorage.getItem(key)) {
      state.source = 'given';
      state.token = sessionStorage.getItem(key);
    } else if (demoUser) {
      user = demoUser;
      state.source = 'demo';
    }

    async function demoToken() {
      const response = await fetch('/demo/tokens', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user }),
        cache: 'no-store',
      });
      if (!response.ok) {
        throw new Error(response.status === 404 || response.status === 401
          ? 'no demo users here: open the page with ?token=…'
          : response.status === 400 ? `there is no demo user '${user}'` : `token endpoint answered ${response.status}`);
      }
      const issued = await response.json();
      state.token = issued.token;
      state.expiresAt = instant(issued.expiresAt) || 0;
      state.fresh = true;
    }

    return {
      get known() {
        return state.source !== 'none';
      },
      get user() {
        return user || claimsOf(state.token).sub;
      },
      async token() {
        if (state.source === 'demo' && (!state.fresh || !state.token || Date.now() > state.expiresAt - 60_000)) {
          await demoToken();
        }
        if (!state.token) {
          throw new Error('no token: open the page with ?user=… or ?token=…');
        }
        return state.token;
      },
      async claims() {
        return claimsOf(await this.token());
      },
      /** A new connection, or a 401: a demo token is fetched anew. */
      renew() {
        if (state.source === 'demo') {
          state.fresh = false;
          return true;
        }
        return false;
      },
      /** The server refused the token: a given one (expired, another issuer) gives way to the page's demo user. */
      refused() {
        if (state.source === 'given' && demoUser) {
          sessionStorage.removeItem(key);
          state.source = 'demo';
          state.token = null;
          user = demoUser;
        }
        return this.renew();
      },
    };
  }

  /** Without ?user= or a token: the demo users of the page's role (or roles), to pick from. */
  async function showUserPicker(role) {
    const roles = listOf(role);
    const picker = byTestId('user-picker');
    picker.hidden = false;
    const list = picker.querySelector('ul');
    try {
      const response = await fetch('/demo/users', { cache: 'no-store' });
      if (!response.ok) {
        throw new Error(`${response.status}`);
      }
      const users = (await response.json()).filter((u) => listOf(u.roles).some((r) => roles.includes(r)));
      list.replaceChildren(...users.map((u) => {
        const params = new URLSearchParams(location.search);
        params.set('user', u.id);
        return el('li', null, el('a', { href: `?${params}`, 'data-testid': `pick-${u.id}` }, u.id), ' ', el('span', { class: 'muted' }, u.name));
      }));
    } catch {
      list.replaceChildren(el('li', null, 'No demo users here: open the page with ?token=… 请使用 ?token= 打开'));
    }
  }

  // ---------------------------------------------------------------------------------- REST API
  function createApi(auth) {
    /** One call; a 401 fetches a new demo token and tries once more (a refused token changed nothing). */
    async function request(method, path, options = {}) {
      for (let attempt = 0; ; attempt++) {
        const headers = { Accept: 'application/json', Authorization: `Bearer ${await auth.token()}`, ...(options.headers || {}) };
        if (options.body !== undefined) {
          headers['Content-Type'] = 'application/json';
        }
        if (options.ifMatch) {
          headers['If-Match'] = options.ifMatch;
        }
        const response = await fetch(path, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          cache: 'no-store',
        });
        if (response.status === 401 && attempt === 0 && auth.renew()) {
          continue;
        }
        const text = await response.text();
        let data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch {
          data = null;
        }
        return { status: response.status, ok: response.ok, etag: response.headers.get('ETag'), data };
      }
    }

    return {
      request,
      get: (path) => request('GET', path),
      post: (path, body, ifMatch, headers) => request('POST', path, { body, ifMatch, headers }),
      put: (path, body) => request('PUT', path, { body }),
    };
  }

  /** What a problem answer (RFC 7807) says, field errors included. */
  function problemText(answer) {
    const problem = answer && answer.data && typeof answer.data === 'object' ? answer.data : {};
    const parts = [problem.title || `HTTP ${answer ? answer.status : '?'}`];
    if (problem.detail) {
      parts.push(String(problem.detail));
    }
    for (const [field, messages] of Object.entries(problem.errors || {})) {
      parts.push(`${field}: ${listOf(messages).join(' ')}`);
    }
    return parts.join(' — ');
  }

  // ---------------------------------------------------------------------------------- connection state
  const STATE_TEXT = {
    connecting: 'connecting… 连接中', live: 'live 在线', reconnecting: 'reconnecting 重连中', offline: 'offline 离线', problem: 'no board 无数据',
  };

  /** The banner across the top while the page is not live, first on the page; made once. */
  function offlineBanner() {
    return byTestId('offline-banner') || document.body.insertAdjacentElement('afterbegin',
      el('div', { class: 'offline', 'data-testid': 'offline-banner', role: 'alert', hidden: true },
        el('span', { class: 'offline-flag' }, 'OFFLINE 离线'),
        el('span', { class: 'offline-text' }),
        el('span', { class: 'offline-detail', 'data-testid': 'offline-detail' })));
  }

  /** The state on the body (the pages' styles follow it), in the header, and in the banner. */
  function showConnection(state, { detail, lastMessageAt, offlineNote }) {
    document.body.dataset.state = state;
    setText('connection-state', STATE_TEXT[state] || state);
    const banner = offlineBanner();
    const down = state === 'offline' || state === 'reconnecting' || state === 'problem';
    banner.hidden = !down;
    banner.querySelector('.offline-flag').textContent = state === 'problem' ? 'NO BOARD 无数据' : 'OFFLINE 离线';
    banner.querySelector('.offline-text').textContent = state === 'problem' ? '' : offlineNote;
    const since = lastMessageAt ? ` · last update ${timeOfDay(lastMessageAt)}` : '';
    setText('offline-detail', down ? `${detail ? String(detail) : ''}${since}` : '');
  }

  const describe = (error) => (error && error.message ? error.message.replace(/\s+/g, ' ').slice(0, 160) : '');
  const isUnauthorized = (error) => error && (error.statusCode === 401 || /\b401\b|Unauthorized/i.test(String(error.message)));

  // ---------------------------------------------------------------------------------- live floor
  /** Open tickets in the board's order (as the server's BoardFigures.OpenOrder): next deadline (none last), receipt, id. */
  const byOrdinal = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const dueOf = (t) => (t.nextDueAt ? instant(t.nextDueAt) : Infinity);
  function openOrder(a, b) {
    const due = dueOf(a) - dueOf(b);
    return (Number.isNaN(due) ? 0 : due) || instant(a.receivedAt) - instant(b.receivedAt) || byOrdinal(a.ticketId, b.ticketId);
  }
  /** Agents by work number, then id (BoardFigures.AgentOrder). */
  const agentOrder = (a, b) => byOrdinal(a.workNumber, b.workNumber) || byOrdinal(a.id, b.id);

  /** The board a BoardDelta makes of the board before it (what BoardDelta.ApplyTo does on the server). */
  function applyDelta(board, delta) {
    const tickets = new Map(board.openTickets.map((t) => [t.ticketId, t]));
    delta.removedTickets.forEach((id) => tickets.delete(id));
    delta.tickets.forEach((t) => tickets.set(t.ticketId, t));
    const agents = new Map(board.agents.map((a) => [a.id, a]));
    delta.removedAgents.forEach((id) => agents.delete(id));
    delta.agents.forEach((a) => agents.set(a.id, a));
    return {
      ...board,
      name: delta.name,
      generatedAt: delta.generatedAt,
      calls: delta.calls,
      agents: [...agents.values()].sort(agentOrder),
      openTickets: [...tickets.values()].sort(openOrder),
      resolvedToday: delta.resolvedToday,
      closedToday: delta.closedToday,
      satisfactionToday: delta.satisfactionToday,
      alerts: delta.alerts ?? board.alerts, // null: the alerts did not change
      counts: delta.counts,
      epoch: delta.epoch,
      sequence: delta.sequence,
    };
  }

  /** Whether board a is later than board b: by the grain's numbering within one epoch, else by when it was made. */
  const isLater = (a, b) => (a.epoch === b.epoch && a.epoch
    ? a.sequence > b.sequence
    : instant(a.generatedAt) >= instant(b.generatedAt));

  /**
   * Joins the project (or all of the caller's, '*') on the hub and keeps its boards: JoinLive's
   * answer replaces them, a Board message replaces one, a BoardDelta changes one (a delta that does
   * not follow the board kept, a gap, makes the page ask for the whole board), and an older board
   * never overtakes a newer one.
   * onChange(boards) runs after each change; the connection state is shown on the page, with
   * offlineNote in the banner while it is down. The automatic reconnect tries quickly at first,
   * then every few seconds; after RECONNECT_FOR_MS a slow loop takes over (pauses up to
   * RETRY_CAP_MS, cut short when the browser says the network is back).
   */
  /**
   * rows: how many open tickets the page shows (a function, asked at each join); the server sends
   * that many rows at least, and the counts of all. 0: every open ticket (pages that list them all).
   */
  function connectFloor({ auth, projectId, onChange, rows = () => 0, offlineNote = '— reconnecting… 正在重连 · the list is as it was' }) {
    const scope = projectId || ALL;
    /** projectId → { board, epoch }: the epoch says during which Join a board came. */
    const boards = new Map();
    let joinEpoch = 0;
    let lastMessageAt = null;
    const changed = () => {
      lastMessageAt = Date.now();
      setText('last-update', `updated ${timeOfDay(lastMessageAt)}`);
      onChange(boards);
    };
    const show = (state, detail) => showConnection(state, { detail, lastMessageAt, offlineNote });

    function accept(board) {
      if (!board || typeof board.projectId !== 'string' || (scope !== ALL && board.projectId !== scope)) {
        return;
      }
      const current = boards.get(board.projectId);
      if (current && !isLater(board, current.board)) {
        return;
      }
      boards.set(board.projectId, { board, epoch: joinEpoch });
      changed();
    }

    /** Projects whose whole board was asked for after a gap, and not yet answered. */
    const refetching = new Set();
    async function refetch(id) {
      if (refetching.has(id)) {
        return;
      }
      refetching.add(id);
      try {
        accept(await connection.invoke('Board', id));
      } catch (error) {
        show('problem', describe(error).replace(/^.*HubException: /, '') || `cannot show ${id}`);
      } finally {
        refetching.delete(id);
      }
    }

    function acceptDelta(delta) {
      if (!delta || typeof delta.projectId !== 'string' || (scope !== ALL && delta.projectId !== scope)) {
        return;
      }
      const current = boards.get(delta.projectId);
      if (!current) {
        return; // not joined yet: the join's answer brings the board
      }
      const { board } = current;
      if (board.epoch === delta.epoch && delta.sequence <= board.sequence) {
        return; // this board has it already
      }
      if (board.epoch !== delta.epoch || delta.fromSequence !== board.sequence) {
        refetch(delta.projectId); // a gap, or a board numbered anew: only the whole board is safe
        return;
      }
      boards.set(delta.projectId, { board: applyDelta(board, delta), epoch: current.epoch });
      changed();
    }

    /** Join's answer replaces every board, except one that came during this Join and is newer (or not in the answer). */
    function replace(result, epoch) {
      const next = new Map();
      for (const board of result || []) {
        const current = boards.get(board.projectId);
        const keep = current && current.epoch === epoch && isLater(current.board, board);
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
      changed();
    }

    const connection = new signalR.HubConnectionBuilder()
      .withUrl(HUB, { accessTokenFactory: () => auth.token() })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context) => (context.elapsedMilliseconds >= RECONNECT_FOR_MS
          ? null
          : RECONNECT_DELAYS[Math.min(context.previousRetryCount, RECONNECT_DELAYS.length - 1)]),
      })
      .configureLogging(signalR.LogLevel.Warning)
      .build();

    connection.on('Board', accept);
    connection.on('BoardDelta', acceptDelta);
    connection.onreconnecting((error) => {
      auth.renew();
      show('reconnecting', describe(error) || 'connection lost');
    });
    connection.onreconnected(() => join());
    connection.onclose((error) => {
      auth.renew();
      show('offline', describe(error) || 'connection closed');
      connect();
    });

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
              auth.refused();
            } else {
              auth.renew();
            }
            show('offline', describe(error) || 'cannot reach the server');
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

    async function join() {
      const epoch = ++joinEpoch;
      try {
        const result = await connection.invoke('JoinLive', scope, Math.max(0, Math.ceil(rows() || 0)));
        if (epoch === joinEpoch) {
          replace(result, epoch);
          show('live');
        }
      } catch (error) {
        if (connection.state !== signalR.HubConnectionState.Connected) {
          return;
        }
        show('problem', describe(error).replace(/^.*HubException: /, '') || `cannot show ${scope}`);
        await pause(10_000);
        if (epoch === joinEpoch && connection.state === signalR.HubConnectionState.Connected) {
          await join();
        }
      }
    }

    window.addEventListener('offline', () => show('offline', 'the network is down 网络中断'));
    window.addEventListener('online', () => {
      if (connection.state === signalR.HubConnectionState.Connected && document.body.dataset.state === 'offline') {
        show('live');
      }
      if (wake) {
        wake();
      }
    });

    show('connecting');
    connect();
    return { boards, connection };
  }

  /** Every project's tickets and agents in one list each, with the project's id and name. */
  /** The open-ticket counts of the boards added up (a board's own counts, or worked out from its rows when it has none). */
  function addCounts(list) {
    const total = { open: 0, byStatus: new Map(), bySeverity: new Map(), atRisk: 0, breached: 0, callbacksDue: 0, nextCallbackAt: null, alerts: 0 };
    const add = (map, counts) => Object.entries(counts || {}).forEach(([key, n]) => map.set(key, (map.get(key) || 0) + n));
    for (const b of list) {
      const open = b.openTickets || [];
      const c = b.counts || {
        open: open.length,
        byStatus: Object.fromEntries(countBy(open, 'status')),
        bySeverity: Object.fromEntries(countBy(open, 'severity')),
        atRisk: open.filter((t) => t.slaState === 'AtRisk').length,
        breached: open.filter((t) => t.slaState === 'Breached' || t.slaState === 'Missed').length,
        callbacksDue: open.filter((t) => t.callbackDueAt).length,
        nextCallbackAt: open.map((t) => t.callbackDueAt).filter(Boolean).sort((x, y) => instant(x) - instant(y))[0] || null,
        alerts: (b.alerts || []).length,
      };
      total.open += c.open;
      add(total.byStatus, c.byStatus);
      add(total.bySeverity, c.bySeverity);
      total.atRisk += c.atRisk;
      total.breached += c.breached;
      total.callbacksDue += c.callbacksDue;
      total.alerts += c.alerts;
      if (c.nextCallbackAt && (!total.nextCallbackAt || instant(c.nextCallbackAt) < instant(total.nextCallbackAt))) {
        total.nextCallbackAt = c.nextCallbackAt;
      }
    }
    return total;
  }

  function flatten(boards) {
    const list = [...boards.values()].map((e) => e.board).sort((a, b) => String(a.name).localeCompare(String(b.name), 'zh-CN'));
    return {
      boards: list,
      counts: addCounts(list),
      names: new Map(list.map((b) => [b.projectId, b.name])),
      tickets: list.flatMap((b) => (b.openTickets || []).map((t) => ({ ...t, projectId: b.projectId, projectName: b.name }))),
      agents: list.flatMap((b) => (b.agents || []).map((a) => ({ ...a, projectId: b.projectId, projectName: b.name }))),
    };
  }

  return {
    ALL,
    PRESENCE, PRESENCE_ORDER, STATUS, OPEN_STATUSES, KIND, SEVERITY, SEVERITY_ORDER, CHANNEL, SLA, AT_RISK,
    byTestId, el, setText, fillSelect, humanize, label, pad, instant, duration, timeOfDay, dateTime, countBy, ordered, chip, renderLater, listOf,
    sortTickets, slaBadge, kindAndFlags, sortAgents, presenceBadge,
    startTicking, createAuth, showUserPicker, createApi, problemText, connectFloor, applyDelta, addCounts, flatten,
  };
})();
