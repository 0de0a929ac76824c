// The management reports page (issue 12): a period (day, ISO week, month, range) and filters
// (project, department, agent) over GET /api/reports/…, drawn as charts (Chart.js, from the
// gateway's npm build) each with its table beside it, and a print layout for the monthly report
// (reports.css). Signs in as the floor pages do (floor-common.js: ?user=, ?token=, or a picker).
(() => {
  'use strict';

  const F = window.HotlineFloor;
  const { el, byTestId, setText, fillSelect } = F;
  const READERS = ['supervisor', 'project-manager', 'admin'];
  const ANSWER_RATE_TARGET = 0.85;
  // The report has no tickets-by-kind or SLA per day: the page asks for each day's report, for
  // periods up to this long (a longer range shows its totals without the daily charts).
  const MAX_DAILY_REPORTS = 62;
  const PARALLEL_REQUESTS = 6;
  const MAX_LEAGUE_AGENTS = 20;
  const KIND_COLOURS = { Complaint: '#d9534f', Repair: '#2f7de1', Inquiry: '#3fa46a', Lookup: '#8e6bd1', Suggestion: '#e0a526' };
  const PALETTE = ['#2f7de1', '#d9534f', '#3fa46a', '#e0a526', '#8e6bd1', '#17a2b8', '#fd7e14', '#6c757d', '#20c997', '#e83e8c'];

  const auth = F.createAuth('reports');
  const api = F.createApi(auth);
  const charts = new Map();
  const seen = { departments: new Set(), agents: new Map() };
  const input = (name) => byTestId(`filter-${name}`);
  let loading = 0;

  // ---------------------------------------------------------------------------------- dates
  const pad = F.pad;
  const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
  const parseDate = (text) => {
    const [y, m, d] = text.split('-').map(Number);
    return new Date(y, m - 1, d);
  };

  /** ISO 8601 week of a date: the week belongs to the year of its Thursday. */
  function isoWeek(date) {
    const thursday = addDays(date, 3 - ((date.getDay() + 6) % 7));
    const firstThursday = new Date(thursday.getFullYear(), 0, 4);
    const week = 1 + Math.round((thursday - addDays(firstThursday, 3 - ((firstThursday.getDay() + 6) % 7))) / (7 * 86_400_000));
    return `${thursday.getFullYear()}-W${pad(week)}`;
  }

  /** The Monday of an ISO week (2026-W45). */
  function mondayOf(week) {
    const [year, number] = week.split('-W').map(Number);
    const jan4 = new Date(year, 0, 4);
    return addDays(jan4, ((number - 1) * 7) - ((jan4.getDay() + 6) % 7));
  }

  /** Last month, last week, yesterday, the last 30 days: periods that are over, as a report is read. */
  function defaultPeriods() {
    const today = new Date();
    const lastMonth = new Date(today.getFullYear(), today.getMonth() - 1, 1);
    input('day').value = isoDate(addDays(today, -1));
    input('week').value = isoWeek(addDays(today, -7));
    input('month').value = `${lastMonth.getFullYear()}-${pad(lastMonth.getMonth() + 1)}`;
    input('from').value = isoDate(addDays(today, -30));
    input('to').value = isoDate(addDays(today, -1));
  }

  /** The chosen period: the report's path and the dates it covers. */
  function chosenPeriod() {
    const kind = input('period').value;
    if (kind === 'day') {
      return { path: `day/${input('day').value}`, from: parseDate(input('day').value), days: 1 };
    }
    if (kind === 'week') {
      return { path: `week/${input('week').value}`, from: mondayOf(input('week').value), days: 7 };
    }
    if (kind === 'month') {
      const [y, m] = input('month').value.split('-').map(Number);
      return { path: `month/${input('month').value}`, from: new Date(y, m - 1, 1), days: new Date(y, m, 0).getDate() };
    }
    const from = parseDate(input('from').value);
    const days = Math.round((parseDate(input('to').value) - from) / 86_400_000) + 1;
    return { path: 'range', from, days, query: { from: input('from').value, to: input('to').value } };
  }

  // ---------------------------------------------------------------------------------- data
  function reportUrl(path, filters) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) {
      if (value) {
        query.set(name, value);
      }
    }
    const text = query.toString();
    return `/api/reports/${path}${text ? `?${text}` : ''}`;
  }

  async function fetchReport(path, filters) {
    const answer = await api.get(reportUrl(path, filters));
    if (!answer.ok) {
      throw new Error(F.problemText(answer));
    }
    return answer.data;
  }

  /** Runs the calls a few at a time: the gateway serves everyone else meanwhile. */
  async function inBatches(items, call) {
    const results = new Array(items.length);
    let next = 0;
    async function worker() {
      while (next < items.length) {
        const index = next++;
        results[index] = await call(items[index]);
      }
    }
    await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, items.length) }, worker));
    return results;
  }

  async function load() {
    const run = ++loading;
    const period = chosenPeriod();
    const filters = { project: input('project').value, department: input('department').value, agent: input('agent').value };
    const key = JSON.stringify([period.path, period.query, filters]);
    document.body.dataset.state = 'loading';
    setText('report-status', '加载中 loading…');
    try {
      const report = await fetchReport(period.path, { ...filters, ...period.query });
      const dates = period.days <= MAX_DAILY_REPORTS ? Array.from({ length: period.days }, (_, i) => isoDate(addDays(period.from, i))) : [];
      const agents = Object.keys(report.tickets.byAgent).slice(0, MAX_LEAGUE_AGENTS);
      const [daily, league] = await Promise.all([
        inBatches(dates, async (date) => ({ date, report: await fetchReport(`day/${date}`, filters) })),
        filters.agent ? Promise.resolve([{ agent: filters.agent, report }])
          : inBatches(agents, async (agent) => ({ agent, report: await fetchReport(period.path, { ...filters, ...period.query, agent }) })),
      ]);
      if (run !== loading) {
        return;
      }
      remember(report);
      render(report, daily, league, period, filters);
      await redrawInPageFont();
      if (run !== loading) {
        return;
      }
      document.body.dataset.state = 'ready';
      document.body.dataset.report = key;
      setText('report-status', `${report.period.label} · ${report.tickets.received} 工单 tickets`);
    } catch (error) {
      if (run === loading) {
        document.body.dataset.state = 'error';
        setText('report-status', `无法读取报表 Could not read the report: ${error.message}`);
      }
    }
  }

  /** Departments and agents met in reports so far, for the filters (a narrowed report lists only its own). */
  function remember(report) {
    Object.keys(report.tickets.byDepartment).filter((d) => d !== '(none)').forEach((d) => seen.departments.add(d));
    Object.keys(report.tickets.byAgent).forEach((a) => seen.agents.set(a, seen.agents.get(a) || a));
    fillSelect(input('department'), [['', '全部 All'], ...[...seen.departments].sort((a, b) => a.localeCompare(b, 'zh-CN')).map((d) => [d, d])]);
    fillSelect(input('agent'), [['', '全部 All'], ...[...seen.agents].sort().map(([id, name]) => [id, name])]);
  }

  async function loadAgentNames(projects) {
    for (const project of projects) {
      const answer = await api.get(`/api/projects/${encodeURIComponent(project)}/agents`);
      for (const agent of answer.ok && Array.isArray(answer.data) ? answer.data : []) {
        seen.agents.set(agent.id, `${agent.workNumber} ${agent.name}`);
      }
    }
  }

  // ---------------------------------------------------------------------------------- rendering
  const percent = (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);
  const rateOf = (part, whole) => (whole ? part / whole : null);

  function table(testId, head, rows, foot) {
    const cell = (tag, value, i) => el(tag, { class: i > 0 ? 'num' : null }, value);
    byTestId(testId).replaceChildren(el('table', null,
      el('thead', null, el('tr', null, head.map((h, i) => cell('th', h, i)))),
      el('tbody', null, rows.map((row) => el('tr', null, row.map((v, i) => cell(i === 0 ? 'th' : 'td', v, i))))),
      foot ? el('tfoot', null, el('tr', null, foot.map((v, i) => cell(i === 0 ? 'th' : 'td', v, i)))) : null));
  }

  function chart(name, config) {
    charts.get(name)?.destroy();
    const canvas = byTestId(`chart-${name}`);
    // No animation: the chart is complete when drawn (for print, and for a test reading the canvas).
    charts.set(name, new window.Chart(canvas, {
      ...config,
      options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } }, ...config.options },
    }));
  }

  /**
   * The CJK web font comes in unicode-range parts the browser fetches for the text the page lays
   * out; text drawn on a canvas fetches none. Load the parts the charts' labels need, then redraw.
   */
  async function redrawInPageFont() {
    const text = [...charts.values()].flatMap((c) => [...(c.data.labels || []), ...c.data.datasets.map((d) => d.label || '')]).join('');
    await document.fonts.load(`12px ${window.Chart.defaults.font.family}`, text).catch(() => []);
    charts.forEach((c) => c.draw());
  }

  function headline(report) {
    const t = report.tickets;
    const a = report.activity;
    const figures = [
      ['calls', '来电 Calls offered', a ? a.callsOffered : '—'],
      ['answer-rate', '接通率 Answer rate', a ? percent(a.answerRate) : '—', a ? (a.answerRateMet ? 'ok' : 'bad') : null],
      ['tickets', '工单 Tickets', t.received],
      ['closed', '已归档 Closed', t.closed],
      ['deadline', '时限达成 Deadline met', percent(t.deadline.complianceRate)],
      ['satisfaction', '满意度 Satisfaction', percent(t.callbacks.satisfaction)],
      ['breaches', '超时 Breaches', a ? a.slaBreaches : t.deadline.missed],
      ['founded', '属实投诉 Founded complaints', t.complaintsFounded],
    ];
    byTestId('headline').replaceChildren(...figures.map(([key, text, value, tone]) =>
      el('div', { class: `figure ${tone || ''}`, 'data-testid': `headline-${key}` }, el('span', { class: 'label' }, text), el('b', null, value))));
  }

  function ticketsByDay(daily) {
    const kinds = [...new Set(daily.flatMap((d) => Object.keys(d.report.tickets.byKind)))].sort();
    chart('tickets-by-day', {
      type: 'bar',
      data: {
        labels: daily.map((d) => d.date.slice(5)),
        datasets: kinds.map((k) => ({ label: F.label(F.KIND, k), data: daily.map((d) => d.report.tickets.byKind[k] || 0), backgroundColor: KIND_COLOURS[k] })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    table('table-tickets-by-day', ['日期 Date', ...kinds.map((k) => F.label(F.KIND, k)), '合计 Total'],
      daily.map((d) => [d.date, ...kinds.map((k) => d.report.tickets.byKind[k] || 0), d.report.tickets.received]),
      ['合计 Total', ...kinds.map((k) => daily.reduce((n, d) => n + (d.report.tickets.byKind[k] || 0), 0)), daily.reduce((n, d) => n + d.report.tickets.received, 0)]);
  }

  function slaTrend(daily, report) {
    const clocks = [['firstReply', '首次答复 First reply', '#e0a526'], ['target', '目标时限 Target', '#2f7de1'], ['deadline', '最终时限 Deadline', '#3fa46a']];
    chart('sla-trend', {
      type: 'line',
      data: {
        labels: daily.map((d) => d.date.slice(5)),
        datasets: clocks.map(([clock, text, colour]) => ({
          label: text, borderColor: colour, backgroundColor: colour, spanGaps: true,
          data: daily.map((d) => (d.report.tickets[clock].complianceRate === null ? null : d.report.tickets[clock].complianceRate * 100)),
        })),
      },
      options: { scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } } },
    });
    table('table-sla-trend', ['日期 Date', ...clocks.map(([, text]) => text)],
      daily.map((d) => [d.date, ...clocks.map(([clock]) => percent(d.report.tickets[clock].complianceRate))]),
      ['期间 Period', ...clocks.map(([clock]) => percent(report.tickets[clock].complianceRate))]);
  }

  function answerRate(report) {
    const byDate = new Map();
    for (const day of report.days) {
      const sum = byDate.get(day.date) || { offered: 0, answered: 0, abandoned: 0 };
      sum.offered += day.callsOffered;
      sum.answered += day.callsAnswered;
      sum.abandoned += day.callsAbandoned;
      byDate.set(day.date, sum);
    }
    const days = [...byDate].sort(([a], [b]) => a.localeCompare(b));
    chart('answer-rate', {
      type: 'line',
      data: {
        labels: days.map(([date]) => date.slice(5)),
        datasets: [
          { label: '接通率 Answer rate', borderColor: '#2f7de1', backgroundColor: '#2f7de1', data: days.map(([, s]) => (rateOf(s.answered, s.answered + s.abandoned) ?? 0) * 100) },
          { label: '目标 85% target', borderColor: '#d9534f', borderDash: [6, 4], pointRadius: 0, data: days.map(() => ANSWER_RATE_TARGET * 100) },
        ],
      },
      options: { scales: { y: { suggestedMin: 50, max: 100, ticks: { callback: (v) => `${v}%` } } } },
    });
    if (!report.activity) {
      byTestId('table-answer-rate').replaceChildren(el('p', { class: 'note' }, '来电按项目统计,按部门或坐席筛选时不适用 Calls are counted per project: not shown for a department or agent.'));
      return;
    }
    const a = report.activity;
    table('table-answer-rate', ['日期 Date', '来电 Offered', '接通 Answered', '放弃 Abandoned', '接通率 Rate'],
      days.map(([date, s]) => [date, s.offered, s.answered, s.abandoned, percent(rateOf(s.answered, s.answered + s.abandoned))]),
      ['期间 Period', a.callsOffered, a.callsAnswered, a.callsAbandoned, percent(a.answerRate)]);
  }

  function categories(report) {
    const rows = Object.entries(report.tickets.byCategory).sort(([, a], [, b]) => b - a);
    chart('categories', {
      type: 'doughnut',
      data: { labels: rows.map(([c]) => c), datasets: [{ data: rows.map(([, n]) => n), backgroundColor: rows.map((_, i) => PALETTE[i % PALETTE.length]) }] },
      options: { plugins: { legend: { position: 'right' } } },
    });
    table('table-categories', ['类别 Category', '工单 Tickets', '占比 Share'],
      rows.map(([c, n]) => [c, n, percent(rateOf(n, report.tickets.received))]), ['合计 Total', report.tickets.received, percent(report.tickets.received ? 1 : null)]);
  }

  function satisfaction(report) {
    const c = report.tickets.callbacks;
    const rows = [['满意 Satisfied', c.satisfied, '#3fa46a'], ['不满意 Unsatisfied', c.unsatisfied, '#d9534f'], ['未接通 Unreachable', c.unreachable, '#6c757d']];
    chart('satisfaction', {
      type: 'doughnut',
      data: { labels: rows.map(([text]) => text), datasets: [{ data: rows.map(([, n]) => n), backgroundColor: rows.map(([, , colour]) => colour) }] },
      options: { plugins: { legend: { position: 'right' } } },
    });
    table('table-satisfaction', ['最后一次回访 Last callback', '工单 Tickets'],
      [...rows.map(([text, n]) => [text, n]), ['回访次数 Attempts', c.attempts], ['重新处理 Reopened', report.tickets.reopened]],
      ['满意度 Satisfaction', percent(c.satisfaction)]);
  }

  function agents(league) {
    const rows = league.map(({ agent, report }) => ({
      name: seen.agents.get(agent) || agent,
      tickets: report.tickets.received,
      closed: report.tickets.closed,
      deadline: report.tickets.deadline.complianceRate,
      satisfaction: report.tickets.callbacks.satisfaction,
      founded: report.tickets.complaintsFounded,
    })).sort((a, b) => b.tickets - a.tickets || a.name.localeCompare(b.name));
    chart('agents', {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.name),
        datasets: [
          { label: '工单 Tickets', data: rows.map((r) => r.tickets), backgroundColor: '#2f7de1' },
          { label: '已归档 Closed', data: rows.map((r) => r.closed), backgroundColor: '#3fa46a' },
        ],
      },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true } } },
    });
    table('table-agents', ['坐席 Agent', '工单 Tickets', '已归档 Closed', '时限达成 Deadline met', '满意度 Satisfaction', '属实投诉 Founded'],
      rows.map((r) => [r.name, r.tickets, r.closed, percent(r.deadline), percent(r.satisfaction), r.founded]));
  }

  /** Hours by presence per agent (off shift not counted), with breaks, breaks over the limit and calls answered. */
  function agentTime(report) {
    const hours = (minutes) => Math.round(minutes / 6) / 10;
    const rows = report.agents.map((a) => ({ ...a, label: `${a.workNumber} ${a.name}` }));
    const states = [
      ['availableMinutes', '示闲 Available', '#3fa46a'],
      ['onCallMinutes', '通话 On call', '#2f7de1'],
      ['wrapUpMinutes', '话后 Wrap-up', '#8e6bd1'],
      ['breakMinutes', '小休 Break', '#e0a100'],
      ['leaveMinutes', '请假 Leave', '#9aa5b1'],
    ];
    chart('agent-time', {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: states.map(([key, label, color]) => ({ label, data: rows.map((r) => hours(r[key])), backgroundColor: color })),
      },
      options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, title: { display: true, text: '小时 hours' } }, y: { stacked: true } } },
    });
    table('table-agent-time', ['坐席 Agent', ...states.map(([, label]) => `${label} h`), '小休次数 Breaks', '超时小休 Over limit', '接听 Calls answered'],
      rows.map((r) => [r.label, ...states.map(([key]) => hours(r[key])), r.breaks, r.breaksOverLimit, r.callsAnswered]));
  }

  function render(report, daily, league, period, filters) {
    const names = byTestId('filter-project');
    const project = filters.project ? names.selectedOptions[0].textContent : '全部项目 All projects';
    setText('print-period', report.period.label);
    setText('print-scope', [project, filters.department, filters.agent && (seen.agents.get(filters.agent) || filters.agent)].filter(Boolean).join(' · '));
    headline(report);
    for (const figure of document.querySelectorAll('[data-chart="tickets-by-day"], [data-chart="sla-trend"]')) {
      figure.hidden = daily.length === 0;
    }
    if (daily.length) {
      ticketsByDay(daily);
      slaTrend(daily, report);
    }
    answerRate(report);
    categories(report);
    satisfaction(report);
    agents(league);
    agentTime(report);
  }

  // ---------------------------------------------------------------------------------- start
  function showPeriodInputs() {
    for (const label of document.querySelectorAll('[data-period]')) {
      label.hidden = label.dataset.period !== input('period').value;
    }
  }

  async function start() {
    if (!auth.known) {
      document.body.dataset.state = 'no-user';
      F.showUserPicker(READERS);
      return;
    }
    setText('who', auth.user || '');
    // Charts draw their labels on canvas: in the page's CJK font, loaded before the first one.
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    await document.fonts.load('14px "Noto Sans SC Variable"', '报表').catch(() => []);
    defaultPeriods();
    showPeriodInputs();
    const answer = await api.get('/api/projects');
    const projects = answer.ok ? answer.data : [];
    fillSelect(input('project'), [['', '全部 All'], ...projects.map((p) => [p.id, p.name])]);
    fillSelect(input('department'), [['', '全部 All']]);
    await loadAgentNames(projects.map((p) => p.id));
    fillSelect(input('agent'), [['', '全部 All']]);
    byTestId('filters').addEventListener('change', (event) => {
      if (event.target === input('period')) {
        showPeriodInputs();
      }
      load();
    });
    byTestId('filters').addEventListener('submit', (event) => event.preventDefault());
    byTestId('print').addEventListener('click', () => window.print());
    await load();
  }

  start();
})();
