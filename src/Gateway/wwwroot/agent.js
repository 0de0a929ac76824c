// The agent console: own presence; the intake form laid out as the handling form (投诉处理表)
// with the project's greeting and standard phrases; a call timer that suggests an on-site work
// order at 5 minutes and a hold timer that prompts at 60 seconds (SPEC §4.2); a reply box that
// checks the project's forbidden phrases (忌语) before anything is sent; and the agent's own open
// tickets, live from the hub, with their SLA countdowns.
// Who: ?user=agent-gc-1 (a demo user) or ?token=…; ?project=… picks a project when the agent
// serves several. Every piece of data goes in as text.
(() => {
  'use strict';

  const F = window.HotlineFloor;
  const { el, byTestId: $, label, setText } = F;

  /** A caller on hold this long must be told the lookup is still going on (SPEC §4.2). */
  const HOLD_PROMPT_MS = 60_000;
  /** A call this long, still unsolved, should become an on-site work order (SPEC §4.2). */
  const WORK_ORDER_MS = 5 * 60_000;
  /** The cannot-answer phrase promises an answer within these working hours (SPEC §4.1). */
  const ANSWER_HOURS = { simple: 2, difficult: 16 };

  const params = new URLSearchParams(location.search);
  const projectParam = (params.get('project') || '').trim();
  const auth = F.createAuth('agent');
  const api = F.createApi(auth);

  let me = null;
  let agent = null;
  let projectId = null;
  let settings = null;
  let view = F.flatten(new Map());

  function pageMessage(text) {
    const box = $('page-message');
    box.textContent = text || '';
    box.hidden = !text;
  }

  // ---------------------------------------------------------------------------------- presence
  /** My presence as last known: from the board, or from the answer to my own change if that is newer. */
  let presence = null;

  function showPresence() {
    const box = $('my-presence');
    box.dataset.presence = presence ? presence.presence : '';
    box.dataset.overBreak = presence && presence.overBreakLimit ? 'true' : 'false';
    setText('my-presence-label', presence
      ? (presence.overBreakLimit ? `${label(F.PRESENCE, presence.presence)} · OVER BREAK 小休超时` : label(F.PRESENCE, presence.presence))
      : '–');
    const since = $('my-presence-since');
    if (presence && presence.since) {
      since.dataset.since = presence.since;
    } else {
      delete since.dataset.since;
      since.textContent = '';
    }
    for (const button of $('presence-buttons').querySelectorAll('button[data-presence]')) {
      button.setAttribute('aria-pressed', presence && presence.presence === button.dataset.presence ? 'true' : 'false');
    }
    tick();
  }

  function learnPresence(next) {
    if (!next) {
      return;
    }
    if (!presence || F.instant(next.since) >= F.instant(presence.since) || next.presence === presence.presence) {
      presence = { presence: next.presence, since: next.since, overBreakLimit: Boolean(next.overBreakLimit) };
      showPresence();
    }
  }

  async function setPresence(state) {
    if (!me) {
      return;
    }
    const buttons = $('presence-buttons').querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const answer = await api.put(`/api/agents/${encodeURIComponent(me)}/presence`, { presence: state });
      if (answer.ok) {
        pageMessage('');
        learnPresence(answer.data);
      } else {
        pageMessage(`Presence not changed 状态未更改: ${F.problemText(answer)}`);
      }
    } catch (error) {
      pageMessage(`Presence not changed 状态未更改: ${error.message}`);
    } finally {
      buttons.forEach((b) => { b.disabled = !agent; });
    }
  }

  $('presence-buttons').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-presence]');
    if (button) {
      setPresence(button.dataset.presence);
    }
  });

  // ---------------------------------------------------------------------------------- call and hold timers
  const call = { startedAt: null, holdStartedAt: null, workOrderDismissed: false };

  function showCall() {
    const onCall = call.startedAt !== null;
    $('call-start').disabled = onCall;
    $('call-end').disabled = !onCall;
    $('hold-start').disabled = !onCall || call.holdStartedAt !== null;
    $('hold-end').disabled = call.holdStartedAt === null;
    document.body.dataset.call = onCall ? (call.holdStartedAt !== null ? 'hold' : 'on') : 'none';
    $('phrase-hold').dataset.now = call.holdStartedAt !== null ? 'true' : 'false';
    tick();
  }

  function callTick(now) {
    const onCall = call.startedAt !== null;
    setText('call-timer', onCall ? F.duration(now - call.startedAt) : '--:--');
    setText('hold-timer', call.holdStartedAt !== null ? F.duration(now - call.holdStartedAt) : '--:--');
    $('hold-prompt').hidden = !(call.holdStartedAt !== null && now - call.holdStartedAt >= HOLD_PROMPT_MS);
    $('work-order-suggestion').hidden = !(onCall && !call.workOrderDismissed && now - call.startedAt >= WORK_ORDER_MS);
    setText('intake-date', F.dateTime(new Date(now).toISOString()).slice(0, 10));
    setText('intake-time', F.timeOfDay(now));
  }

  $('call-start').addEventListener('click', () => {
    call.startedAt = Date.now();
    call.holdStartedAt = null;
    call.workOrderDismissed = false;
    showCall();
    if (!presence || presence.presence !== 'OnCall') {
      setPresence('OnCall');
    }
  });
  $('call-end').addEventListener('click', () => {
    call.startedAt = null;
    call.holdStartedAt = null;
    showCall();
    setPresence('WrapUp');
  });
  $('hold-start').addEventListener('click', () => {
    call.holdStartedAt = Date.now();
    showCall();
  });
  $('hold-end').addEventListener('click', () => {
    call.holdStartedAt = null;
    showCall();
  });
  // Told the caller: the next minute of hold counts from now.
  $('hold-told').addEventListener('click', () => {
    call.holdStartedAt = Date.now();
    showCall();
  });
  $('work-order-create').addEventListener('click', () => {
    call.workOrderDismissed = true;
    form.elements.kind.value = 'Repair';
    formChanged();
    showCall();
    form.elements.department.focus();
  });

  // ---------------------------------------------------------------------------------- greeting and phrases
  function addressing() {
    const name = form.elements.customerName.value.trim();
    const honorific = form.elements.honorific.value;
    return name && honorific ? `${name[0]}${honorific}` : null;
  }

  function showPhrases() {
    const phrases = (settings && settings.phrases) || {};
    setText('greeting', settings ? settings.greeting : '…');
    const difficult = form.elements.answerIsDifficult.checked || formValue('severity') === 'Complex';
    const hours = difficult ? ANSWER_HOURS.difficult : ANSWER_HOURS.simple;
    const who = addressing();
    for (const card of $('phrases').querySelectorAll('[data-phrase]')) {
      let text = String(phrases[card.dataset.phrase] || '');
      if (card.dataset.phrase === 'cannotAnswerNow') {
        text = text.replace(/X小时/g, `${hours}小时`);
        if (who) {
          text = text.replace(/X先生\/女士/g, who);
        }
      }
      card.querySelector('p').textContent = text;
    }
    setText('hold-prompt-phrase', phrases.hold || '您好,正在为您查询,请您再耐心等待一下。');
  }

  // ---------------------------------------------------------------------------------- the handling form (intake)
  const form = $('intake-form');
  let idempotencyKey = newKey();

  function newKey() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }

  /** A field's value; for the severity radios, the one checked. */
  const formValue = (name) => form.elements[name].value;

  function fillForm() {
    F.fillSelect(form.elements.channel, Object.keys(F.CHANNEL).map((c) => [c, `${F.CHANNEL[c]} ${F.humanize(c)}`]));
    F.fillSelect(form.elements.kind, Object.keys(F.KIND).map((k) => [k, `${F.KIND[k]} ${k}`]));
    F.fillSelect(form.elements.category, [['', '— 选择 choose —'], ...(settings.categories || []).map((c) => [c, c])]);
    F.fillSelect(form.elements.department, [['', '— 未指定 none —'], ...(settings.departments || []).map((d) => [d, d])]);
    setText('intake-project', settings.name);
    formChanged();
  }

  /** What depends on the kind: the answer flags, the work-order mode (a repair goes on site), the phrases. */
  function formChanged() {
    const kind = form.elements.kind.value;
    const answerable = kind === 'Inquiry' || kind === 'Lookup';
    form.elements.answeredOnCall.closest('label').hidden = !answerable;
    form.elements.answerIsDifficult.closest('label').hidden = kind !== 'Inquiry';
    form.querySelector('.workflow-note').hidden = answerable;
    if (!answerable) {
      form.elements.answeredOnCall.checked = false;
    }
    if (kind !== 'Inquiry') {
      form.elements.answerIsDifficult.checked = false;
    }
    const workOrder = kind === 'Repair';
    form.dataset.mode = workOrder ? 'work-order' : 'intake';
    form.elements.department.required = workOrder;
    $('intake-submit').textContent = workOrder ? '生单转现场 Create work order' : '登记 Record';
    showPhrases();
  }

  form.addEventListener('input', (event) => {
    event.target.removeAttribute('aria-invalid');
    formChanged();
  });
  form.addEventListener('change', formChanged);
  form.addEventListener('reset', () => setTimeout(() => {
    for (const field of form.querySelectorAll('[aria-invalid]')) {
      field.removeAttribute('aria-invalid');
    }
    idempotencyKey = newKey();
    formChanged();
  }));

  function invalid(names, message) {
    for (const name of names) {
      const field = form.elements[name];
      const node = field instanceof RadioNodeList ? field[0] : field;
      if (node) {
        node.setAttribute('aria-invalid', 'true');
      }
    }
    intakeResult('error', message);
  }

  function intakeResult(kind, text) {
    const result = $('intake-result');
    result.dataset.kind = kind;
    result.textContent = text;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!settings || !me) {
      return;
    }
    const missing = ['customerName', 'unitNumber', 'contactPhone', 'content', 'category']
      .filter((name) => !String(form.elements[name].value).trim());
    if (form.elements.department.required && !form.elements.department.value) {
      missing.push('department');
    }
    if (missing.length) {
      invalid(missing, `Fill in 请填写: ${missing.join(', ')}`);
      return;
    }
    const kind = form.elements.kind.value;
    const intake = {
      kind,
      channel: form.elements.channel.value,
      customerName: form.elements.customerName.value.trim(),
      unitNumber: form.elements.unitNumber.value.trim(),
      contactPhone: form.elements.contactPhone.value.trim(),
      content: form.elements.content.value.trim(),
      category: form.elements.category.value,
      receivingAgent: me,
      severity: formValue('severity') || 'General',
      urgent: form.elements.urgent.checked,
      answeredOnCall: form.elements.answeredOnCall.checked,
      answerIsDifficult: form.elements.answerIsDifficult.checked,
    };
    if (form.elements.honorific.value) {
      intake.honorific = form.elements.honorific.value;
    }
    if (form.elements.department.value) {
      intake.department = form.elements.department.value;
    }
    const submit = $('intake-submit');
    submit.disabled = true;
    intakeResult('busy', '登记中 recording…');
    try {
      const answer = await api.post(`/api/projects/${encodeURIComponent(projectId)}/tickets`, intake, undefined, { 'Idempotency-Key': idempotencyKey });
      if (!answer.ok) {
        const fields = Object.keys((answer.data && answer.data.errors) || {});
        if (answer.status === 422 && fields.includes('Idempotency-Key')) {
          // A press whose answer was lost had recorded the form, and the form changed since: the
          // key stays with that ticket, so a new one lets the agent record this form if it is a new call.
          idempotencyKey = newKey();
          intakeResult('error', '此前已登记 An earlier press recorded this call already: see your open tickets; press again only to record this form as a new ticket');
          return;
        }
        if (fields.length) {
          invalid(fields.map((f) => f.split('.')[0]), F.problemText(answer));
        } else {
          intakeResult('error', answer.status === 429 ? `Too many intakes, wait a minute 请稍候: ${F.problemText(answer)}` : F.problemText(answer));
        }
        return;
      }
      const ticket = answer.data;
      let text = ticket.number ? `已登记 Recorded ${ticket.number}` : '已登记 Recorded (number pending 编号中)';
      // An on-site work order: the repair goes to the department at once (dispatch).
      if (kind === 'Repair' && intake.department && ticket.number) {
        const dispatched = await api.post(`/api/tickets/${encodeURIComponent(ticket.id)}/dispatch`, { department: intake.department }, answer.etag || ticket.eTag);
        text += dispatched.ok ? ` · 已生单转现场 dispatched to ${intake.department}` : ` · not dispatched 未派单: ${F.problemText(dispatched)}`;
      }
      const channel = form.elements.channel.value;
      form.reset();
      form.elements.channel.value = channel;
      idempotencyKey = newKey();
      setTimeout(() => intakeResult('ok', text));
    } catch (error) {
      intakeResult('error', `No answer from the server 服务器无响应: ${error.message} — try again (the same form is not recorded twice)`);
    } finally {
      submit.disabled = false;
    }
  });

  // ---------------------------------------------------------------------------------- my open tickets
  function myTickets() {
    return F.sortTickets(view.tickets.filter((t) => t.agent === me));
  }

  function renderTickets() {
    const mine = myTickets();
    setText('my-ticket-count', String(mine.length));
    const rows = mine.map((t) => el('div', {
      class: 'my-ticket',
      'data-testid': `my-ticket-${t.number}`,
      'data-ticket-id': t.ticketId,
      'data-sla': t.slaState || 'None',
    },
    F.slaBadge(t),
    el('span', { class: 'number' }, t.number),
    el('span', null, F.kindAndFlags(t)),
    el('span', null, label(F.STATUS, t.status)),
    el('span', { class: 'muted' }, t.department || '—'),
    el('span', { class: 'countdown', 'data-due': t.nextDueAt || null, 'data-testid': `due-${t.number}` }, t.nextDueAt ? '' : '—'),
    el('button', { type: 'button', 'data-reply': t.ticketId, 'data-testid': `reply-to-${t.number}` }, '答复 Reply')));
    $('my-ticket-rows').replaceChildren(...(rows.length ? rows : [el('p', { class: 'empty' }, 'No open tickets 暂无未结工单')]));

    const select = $('reply-ticket');
    F.fillSelect(select, [['', '— 选择工单 choose a ticket —'],
      ...mine.map((t) => [t.ticketId, `${t.number} · ${label(F.KIND, t.kind)} · ${label(F.STATUS, t.status)}`])]);
    tick();
  }

  $('my-ticket-rows').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-reply]');
    if (button) {
      $('reply-ticket').value = button.dataset.reply;
      hideWarning();
      $('reply-text').focus();
    }
  });

  // ---------------------------------------------------------------------------------- reply with the forbidden-phrase check
  const replyForm = $('reply-form');
  let checkedText = null;

  function replyResult(kind, text) {
    const result = $('reply-result');
    result.dataset.kind = kind;
    result.textContent = text;
  }

  function hideWarning() {
    $('forbidden-warning').hidden = true;
    checkedText = null;
  }

  function ticketOfReply() {
    const id = $('reply-ticket').value;
    return view.tickets.find((t) => t.ticketId === id) || null;
  }

  /** Checks the text against the project's forbidden phrases; warns (naming each) instead of sending when any is found. */
  async function checkThenSend() {
    const ticket = ticketOfReply();
    const text = $('reply-text').value.trim();
    if (!ticket) {
      replyResult('error', 'Choose a ticket 请选择工单');
      return;
    }
    if (!text) {
      replyResult('error', 'Write the reply 请填写答复');
      return;
    }
    $('reply-send').disabled = true;
    replyResult('busy', '检查忌语 checking…');
    try {
      const check = await api.post(`/api/projects/${encodeURIComponent(ticket.projectId)}/phrases/check`, { text });
      if (!check.ok) {
        replyResult('error', `Not checked, not sent 未发送: ${F.problemText(check)}`);
        return;
      }
      const found = F.listOf(check.data && check.data.forbiddenPhrases);
      if (found.length) {
        $('forbidden-phrases').replaceChildren(...found.map((p) => el('li', { 'data-testid': 'forbidden-phrase' }, `「${p}」`)));
        $('forbidden-warning').hidden = false;
        checkedText = text;
        replyResult('warn', `${found.length} forbidden phrase${found.length > 1 ? 's' : ''} 忌语 — not sent 未发送`);
        return;
      }
      await send(ticket, text);
    } catch (error) {
      replyResult('error', `Not sent 未发送: ${error.message}`);
    } finally {
      $('reply-send').disabled = false;
    }
  }

  async function send(ticket, text) {
    replyResult('busy', '发送中 sending…');
    // A step needs the version it applies to (If-Match): the ticket as it is now, read just before.
    const current = await api.get(`/api/tickets/${encodeURIComponent(ticket.ticketId)}`);
    if (!current.ok) {
      replyResult('error', `Not sent 未发送: ${F.problemText(current)}`);
      return;
    }
    const answer = await api.post(`/api/tickets/${encodeURIComponent(ticket.ticketId)}/reply`, { text }, current.etag);
    if (!answer.ok) {
      replyResult('error', `Not sent 未发送: ${F.problemText(answer)}`);
      return;
    }
    hideWarning();
    $('reply-text').value = '';
    const flagged = F.listOf(answer.data && answer.data.forbiddenPhrasesFound);
    replyResult(flagged.length ? 'warn' : 'ok', flagged.length
      ? `已发送 Sent to ${ticket.number} — recorded with 忌语 ${flagged.join(', ')}`
      : `已发送 Sent to ${ticket.number}`);
  }

  replyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    checkThenSend();
  });
  $('reply-text').addEventListener('input', () => {
    if (checkedText !== null) {
      hideWarning();
      replyResult('', '');
    }
  });
  $('reply-ticket').addEventListener('change', hideWarning);
  $('reply-edit').addEventListener('click', () => {
    hideWarning();
    replyResult('', '');
    $('reply-text').focus();
  });
  $('reply-send-anyway').addEventListener('click', async () => {
    const ticket = ticketOfReply();
    if (!ticket || checkedText === null) {
      return;
    }
    const button = $('reply-send-anyway');
    button.disabled = true;
    try {
      await send(ticket, checkedText);
    } catch (error) {
      replyResult('error', `Not sent 未发送: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  });

  // ---------------------------------------------------------------------------------- start
  const scheduleRender = F.renderLater(() => {
    renderTickets();
    learnPresence(view.agents.find((a) => a.id === me));
  });

  const tick = F.startTicking(callTick);
  showCall();
  $('presence-buttons').querySelectorAll('button').forEach((b) => { b.disabled = true; });

  if (!auth.known) {
    document.body.dataset.state = 'no-user';
    setText('connection-state', 'choose a user 请选择用户');
    F.showUserPicker('agent');
    return;
  }

  async function loadProject(id) {
    projectId = id;
    const answer = await api.get(`/api/projects/${encodeURIComponent(id)}`);
    if (!answer.ok) {
      pageMessage(`Cannot read the project 无法读取项目 ${id}: ${F.problemText(answer)}`);
      return;
    }
    settings = answer.data;
    fillForm();
  }

  (async () => {
    try {
      const claims = await auth.claims();
      me = claims.sub || auth.user;
      if (!claims.roles.includes('agent') && !claims.roles.includes('supervisor')) {
        pageMessage(`${me} is not an agent: the console cannot record tickets for them 非坐席用户`);
      }
      const record = await api.get(`/api/agents/${encodeURIComponent(me)}`);
      if (record.ok) {
        agent = record.data;
        learnPresence(agent);
        $('presence-buttons').querySelectorAll('button').forEach((b) => { b.disabled = false; });
      } else {
        pageMessage(`No agent record for ${me} 无坐席档案: presence cannot be set here (${F.problemText(record)})`);
      }
      setText('who', agent ? `${agent.workNumber} ${agent.name} · ${me}` : me);
      setText('intake-agent', agent ? `${agent.workNumber} ${agent.name}` : me);
      const projects = [...new Set([
        ...(agent ? agent.projects : []),
        ...claims.projects.filter((p) => p !== F.ALL),
      ])];
      const chosen = projectParam || projects[0];
      if (!chosen) {
        pageMessage('No project to record tickets for: open the console with ?project=… 请指定项目');
        return;
      }
      if (projects.length > 1) {
        const select = $('intake-project-select');
        F.fillSelect(select, projects.map((p) => [p, p]));
        select.value = chosen;
        select.closest('label').hidden = false;
        select.addEventListener('change', () => loadProject(select.value));
      }
      await loadProject(chosen);
    } catch (error) {
      pageMessage(error.message);
    }
  })();

  F.connectFloor({
    auth,
    projectId: projectParam || F.ALL,
    onChange: (boards) => {
      view = F.flatten(boards);
      scheduleRender();
    },
  });
})();
