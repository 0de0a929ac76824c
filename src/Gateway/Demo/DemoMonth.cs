using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using Orleans;

namespace HotlineGrains.Gateway.Demo;

/// <summary>
/// A month worth reporting on for the embedded default (issue 12): from the first day of last month
/// (project time) to yesterday, each seed project's calls and tickets, taken through the grains as
/// of the moment they happened (<see cref="DemoClock.At"/>): complaints founded and unfounded,
/// repairs, inquiries, callbacks mostly satisfied, a few unsatisfied and reopened, a few resolved
/// after their deadline (breached). Every ticket is closed before today, so the live floor is
/// today's alone. Figures are drawn from a generator seeded by project and date: the same month on
/// every database. Idempotent: a ticket that exists is left, a day with calls counted is skipped.
/// </summary>
internal sealed class DemoMonth(IGrainFactory grains, TimeProvider time)
{
    private static readonly (TicketKind Kind, Severity Severity, string Category, string Department, string Content)[] Complaints =
    [
        (TicketKind.Complaint, Severity.General, "噪音", "秩序部", "楼上装修噪音,午休时间仍在施工。"),
        (TicketKind.Complaint, Severity.General, "环境卫生", "保洁部", "楼道垃圾未及时清理。"),
        (TicketKind.Complaint, Severity.Simple, "绿化", "绿化部", "绿化带杂草丛生。"),
        (TicketKind.Complaint, Severity.General, "停车", "秩序部", "消防通道有车辆长期停放。"),
        (TicketKind.Complaint, Severity.General, "收费", "收费处", "物业费账单有疑问。"),
        (TicketKind.Complaint, Severity.Complex, "安全", "秩序部", "单元门禁失灵,陌生人可进出。"),
        (TicketKind.Complaint, Severity.General, "服务态度", "客服中心", "前台人员答复不耐烦。"),
    ];

    private static readonly (string Category, string Content)[] Repairs =
    [
        ("维修", "卫生间下水道堵塞。"), ("维修", "楼道灯不亮。"), ("维修", "电梯按钮失灵。"), ("维修", "外墙渗水。"),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];

    /// <summary>Seeds every seed project's month; returns the tickets recorded (0 when all existed).</summary>
    public async Task<int> SeedAsync(IReadOnlyDictionary<string, IReadOnlyList<string>> agentsByProject, CancellationToken cancellationToken)
    {
        var counts = await Task.WhenAll(DemoDataSeeder.Projects.Select(p =>
            SeedProjectAsync(p.Id, p.Settings, agentsByProject[p.Id], cancellationToken)));
        return counts.Sum();
    }

    private async Task<int> SeedProjectAsync(string projectId, ProjectSettings settings, IReadOnlyList<string> agents, CancellationToken cancellationToken)
    {
        var calendar = settings.Calendar;
        var today = calendar.LocalDateOf(time.GetUtcNow());
        // Seeded by project and date, not string.GetHashCode (random per process): the same month every time.
        // Nothing of the month may land on today: the floor and its "today" counters are live.
        var endOfHistory = calendar.StartOf(today) - TimeSpan.FromMinutes(1);
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var project = grains.GetGrain<IProjectGrain>(projectId);
        var counted = (await project.GetDays(first, today.AddDays(-1))).Where(d => d.CallsOffered > 0).Select(d => d.Date).ToHashSet();
        var recorded = 0;
        for (var date = first; date < today; date = date.AddDays(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var seed = (projectId.Sum(c => c) * 100_003) + date.DayNumber;
            var random = new Random(seed);
            var opens = calendar.StartOf(date) + TimeSpan.FromHours(8.5);
            var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (!counted.Contains(date))
            {
                // A generator of their own: a day whose calls are skipped must draw the same tickets.
                await RecordCallsAsync(project, date, opens, new Random(~seed), weekend ? 12 : 28, agents);
            }

            var tickets = weekend ? random.Next(2, 5) : random.Next(4, 9);
            for (var n = 1; n <= tickets; n++)
            {
                var receivedAt = opens + TimeSpan.FromMinutes(random.Next(0, 9 * 60));
                // Letters and digits, as the API takes ticket ids (the floor's are demogc01…).
                var ticketId = $"month{settings.TicketPrefix.ToLowerInvariant()}{date:yyyyMMdd}{n:00}";
                if (await TellAsync(ticketId, projectId, agents[random.Next(agents.Count)], receivedAt, endOfHistory, random, date <= today.AddDays(-10)))
                {
                    recorded++;
                }
            }
        }

        foreach (var agent in agents)
        {
            await TellShiftsAsync(agent, calendar, first, today);
        }

        return recorded;
    }

    /// <summary>
    /// The agent's working days of the month (weekdays, 08:30 to 17:30): calls with their wrap-up,
    /// a morning and an afternoon break, each change as of its moment, so the reports' agents' time
    /// has a month. Then back to the presence the live floor gave them today. Skipped for an agent
    /// whose month is there.
    /// </summary>
    private async Task TellShiftsAsync(string agentId, ServiceCalendar calendar, DateOnly first, DateOnly today)
    {
        var agent = grains.GetGrain<IAgentGrain>(agentId);
        var now = time.GetUtcNow();
        if (await agent.GetView(now) is not { } floor
            || (await agent.GetDays(first, today.AddDays(-1), now)).Any(d => d.Time.Keys.Any(p => p is not Presence.Offline)))
        {
            return;
        }

        // Off shift before the first morning, or the first "available" of an agent the floor made
        // available today would change nothing and the first minutes would be lost.
        var actor = "system:demo-month";
        await DemoClock.At(calendar.StartOf(first), () => agent.SetPresence(Presence.Offline, actor));
        for (var date = first; date < today; date = date.AddDays(1))
        {
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            var random = new Random((agentId.Sum(c => c) * 7_919) + date.DayNumber);
            var at = calendar.StartOf(date) + TimeSpan.FromHours(8.5);
            async Task Then(TimeSpan after, Presence presence)
            {
                at += after;
                await DemoClock.At(at, () => agent.SetPresence(presence, actor));
            }

            await Then(TimeSpan.Zero, Presence.Available);
            foreach (var breakAt in new[] { 10.5, 15.0 })
            {
                // Calls until the break: a few minutes talking, a minute or two writing up, a wait for the next.
                while (at < calendar.StartOf(date) + TimeSpan.FromHours(breakAt))
                {
                    await Then(TimeSpan.FromMinutes(random.Next(3, 25)), Presence.OnCall);
                    await Then(TimeSpan.FromMinutes(random.Next(2, 9)), Presence.WrapUp);
                    await Then(TimeSpan.FromMinutes(random.Next(1, 3)), Presence.Available);
                }

                await Then(TimeSpan.FromMinutes(random.Next(0, 5)), Presence.Break);
                await Then(TimeSpan.FromMinutes(random.Next(8, 19)), Presence.Available);
            }

            await DemoClock.At(calendar.StartOf(date) + TimeSpan.FromHours(17.5), () => agent.SetPresence(Presence.Offline, actor));
        }

        if (floor.Presence is not Presence.Offline)
        {
            await agent.SetPresence(floor.Presence, actor);
        }
    }

    /// <summary>A day of the phone switch: most calls answered within the target, some late, some abandoned; a bad day now and then.</summary>
    private static async Task RecordCallsAsync(IProjectGrain project, DateOnly date, DateTimeOffset opens, Random random, int typical, IReadOnlyList<string> agents)
    {
        var calls = typical + random.Next(-typical / 4, typical / 4 + 1);
        var badDay = random.NextDouble() < 0.2;
        for (var n = 0; n < calls; n++)
        {
            var id = $"month{date:yyyyMMdd}{n:000}";
            var rings = opens + TimeSpan.FromSeconds(random.Next(0, 9 * 3600));
            var roll = random.NextDouble();
            var (outcome, after) = roll < (badDay ? 0.2 : 0.07)
                ? (CallEventKind.Abandoned, TimeSpan.FromSeconds(random.Next(10, 60)))
                : (CallEventKind.Answered, TimeSpan.FromSeconds(roll < 0.85 ? random.Next(1, 4) : random.Next(4, 20)));
            await project.RecordCall(new CallEvent(id, CallEventKind.Ringing, rings, null));
            await project.RecordCall(new CallEvent(id, outcome, rings + after, outcome == CallEventKind.Answered ? agents[n % agents.Count] : null));
        }
    }

    /// <summary>One ticket from intake to close, each step as of its own moment; false when it existed.</summary>
    private async Task<bool> TellAsync(string ticketId, string projectId, string agent, DateTimeOffset receivedAt, DateTimeOffset endOfHistory, Random random, bool mayBreach)
    {
        var ticket = grains.GetGrain<ITicketGrain>(ticketId);
        if ((await ticket.GetSnapshot()).Exists)
        {
            return false;
        }

        var roll = random.NextDouble();
        var surname = Surnames[random.Next(Surnames.Length)];
        var unit = $"{random.Next(1, 12)}-{random.Next(1, 4)}-{random.Next(1, 28)}0{random.Next(1, 4)}";
        var phone = $"139{random.Next(10_000_000, 99_999_999)}";
        var at = receivedAt;
        async Task Step(TimeSpan after, Func<ITicketGrain, Task> step)
        {
            // Each step after the one before, and all of them before today.
            at = at + after < endOfHistory ? at + after : at + TimeSpan.FromSeconds(1);
            await DemoClock.At(at, async () => { await step(ticket); return true; });
        }

        TicketIntake Intake(TicketKind kind, Severity severity, string category, string content, bool answeredOnCall) => new(
            projectId, kind, roll < 0.9 ? Channel.Phone : Channel.Web, surname + "先生", unit, phone, content, category, severity,
            Urgent: random.NextDouble() < 0.05, agent, null, receivedAt, answeredOnCall, AnswerIsDifficult: false, "先生");

        if (roll < 0.25)
        {
            // An inquiry: most answered on the call, the rest answered within the hour.
            var onCall = random.NextDouble() < 0.7;
            await Step(TimeSpan.Zero, t => t.Open(Intake(TicketKind.Inquiry, Severity.Simple, "其他", "咨询物业服务中心的办公时间。", onCall), agent));
            if (!onCall)
            {
                await Step(TimeSpan.FromMinutes(random.Next(20, 90)), t => t.Answer("已答复办公时间。", agent, null));
            }

            return true;
        }

        if (roll < 0.5)
        {
            var (category, content) = Repairs[random.Next(Repairs.Length)];
            await Step(TimeSpan.Zero, t => t.Open(Intake(TicketKind.Repair, Severity.General, category, content, false), agent));
            await Step(TimeSpan.FromMinutes(random.Next(5, 30)), t => t.Dispatch("工程部", agent, null));
            await Step(Handling(random), t => t.Resolve("上门维修", "已修复", "工程部师傅", null, "dept-engineering", null));
            await NotifyAndCallBackAsync(Step, agent, random);
            return true;
        }

        var complaint = Complaints[random.Next(Complaints.Length)];
        await Step(TimeSpan.Zero, t => t.Open(Intake(complaint.Kind, complaint.Severity, complaint.Category, complaint.Content, false), agent));
        await Step(TimeSpan.FromMinutes(random.Next(5, 40)), t => t.Forward(complaint.Department, agent, null));
        var founded = random.NextDouble() < 0.8;
        await Step(TimeSpan.FromMinutes(random.Next(20, 100)), t => t.Verify(founded, founded ? "情况属实。" : "经核实情况不属实。", true, "dept-service", null));
        if (founded)
        {
            // A few complaints are resolved days late: their deadline is breached on the way.
            var late = mayBreach && complaint.Severity != Severity.Complex && random.NextDouble() < 0.08;
            if (late)
            {
                // A turn after the deadline while its clock still runs: that is when a breach is raised.
                await Step(TimeSpan.FromDays(7), t => t.Reply("您好,您的问题仍在协调处理中。", [], agent, null));
            }

            await Step(late ? TimeSpan.FromDays(1) : Handling(random), t => t.Resolve("安排处理", "已处理完毕", "责任部门", null, "dept-service", null));
        }

        await NotifyAndCallBackAsync(Step, agent, random);
        return true;
    }

    /// <summary>Most handling within a couple of hours, the rest later that day or the next.</summary>
    private static TimeSpan Handling(Random random) =>
        random.NextDouble() < 0.75 ? TimeSpan.FromMinutes(random.Next(30, 150)) : TimeSpan.FromHours(random.Next(3, 20));

    /// <summary>答复 and 回访: satisfied mostly; now and then unreachable first, never reached (closed after 3 attempts, the default policy's), or unsatisfied, reopened, resolved again and satisfied.</summary>
    private static async Task NotifyAndCallBackAsync(Func<TimeSpan, Func<ITicketGrain, Task>, Task> step, string agent, Random random)
    {
        await step(TimeSpan.FromMinutes(random.Next(10, 60)), t => t.NotifyCustomer("您好,您反映的问题已处理,感谢您的支持。", agent, null));
        var roll = random.NextDouble();
        if (roll < 0.06)
        {
            await step(TimeSpan.FromHours(random.Next(4, 24)), t => t.RecordCallback(CallbackOutcome.Unsatisfied, "处理不彻底", agent, null));
            await step(TimeSpan.FromHours(random.Next(2, 12)), t => t.Resolve("再次处理", "已彻底处理", "责任部门", null, "dept-service", null));
            await step(TimeSpan.FromMinutes(random.Next(10, 60)), t => t.NotifyCustomer("您好,问题已再次处理。", agent, null));
        }
        else if (roll < 0.10)
        {
            // Never reached: the ticket closes after the last attempt the schedule allows.
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                await step(TimeSpan.FromHours(random.Next(4, 24)), t => t.RecordCallback(CallbackOutcome.Unreachable, "无人接听", agent, null));
            }

            return;
        }
        else if (roll < 0.16)
        {
            await step(TimeSpan.FromHours(random.Next(4, 24)), t => t.RecordCallback(CallbackOutcome.Unreachable, "无人接听", agent, null));
        }

        await step(TimeSpan.FromHours(random.Next(4, 24)), t => t.RecordCallback(CallbackOutcome.Satisfied, null, agent, null));
    }
}
