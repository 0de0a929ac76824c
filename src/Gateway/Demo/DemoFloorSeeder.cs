using Microsoft.Extensions.Options;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Customers;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Demo;

/// <summary>
/// A living floor for the embedded default: two agents and two customers per seed project, and
/// tickets taken through the workflow to different points (just received, forwarded, in
/// progress, waiting on the customer, resolved, notified, closed, one past its deadline). Every
/// record goes through the grains' own steps, so what the demo shows is what the service does.
/// Runs once per database: a ticket that exists is left as it is.
/// </summary>
internal sealed partial class DemoFloorSeeder(IGrainFactory grains, TimeProvider time, IOptions<DemoOptions> options, ILogger<DemoFloorSeeder> logger) : BackgroundService
{

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var agentsByProject = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var (projectId, settings) in DemoDataSeeder.Projects)
            {
                var prefix = settings.TicketPrefix.ToLowerInvariant();
                var agents = await SeedAgents(projectId, prefix, stoppingToken);
                agentsByProject[projectId] = agents;
                var customers = await SeedCustomers(projectId, prefix, stoppingToken);
                var index = 0;
                foreach (var story in Stories)
                {
                    index++;
                    var ticketId = $"demo{prefix}{index:00}";
                    var customer = customers[index % customers.Count];
                    await Tell(story, ticketId, projectId, agents[index % agents.Count], customer, stoppingToken);
                }
            }

            LogSeeded(logger, DemoDataSeeder.Projects.Count * Stories.Count);

            // After the floor, so today's board is up at once; the month fills the reports meanwhile.
            if (options.Value.Month)
            {
                var started = time.GetTimestamp();
                var recorded = await new DemoMonth(grains, time).SeedAsync(agentsByProject, stoppingToken);
                LogMonthSeeded(logger, recorded, time.GetElapsedTime(started).TotalSeconds);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(logger, exception);
        }
    }

    private static readonly Dictionary<string, (string First, string Second)> AgentNames = new()
    {
        ["gc"] = ("张敏", "李娜"),
        ["al"] = ("王芳", "刘洋"),
        ["sj"] = ("陈静", "赵磊"),
    };

    private async Task<IReadOnlyList<string>> SeedAgents(string projectId, string prefix, CancellationToken cancellationToken)
    {
        // Names of their own per project: a company-wide board lists every project's agents together.
        var (first, second) = AgentNames.GetValueOrDefault(prefix, ("张敏", "李娜"));
        (string Id, string WorkNumber, string Name, Presence Presence)[] agents =
        [
            ($"agent-{prefix}-1", $"{prefix.ToUpperInvariant()}01", first, Presence.Available),
            ($"agent-{prefix}-2", $"{prefix.ToUpperInvariant()}02", second, Presence.OnCall),
        ];
        foreach (var (id, workNumber, name, presence) in agents)
        {
            if (await grains.GetGrain<IAgentGrain>(id).IsRegistered())
            {
                continue;
            }

            await grains.GetGrain<IAgentGrain>(id).Register(new AgentProfile
            {
                WorkNumber = workNumber,
                Name = name,
                Projects = [projectId],
                Departments = ["客服中心"],
            });
            await grains.GetGrain<IAgentGrain>(id).SetPresence(presence, id);
        }

        await grains.GetGrain<IAgentGrain>(agents[0].Id).SetDelegate(agents[1].Id, "demo");
        return [.. agents.Select(a => a.Id)];
    }

    private async Task<IReadOnlyList<(string Id, CustomerProfile Profile)>> SeedCustomers(string projectId, string prefix, CancellationToken cancellationToken)
    {
        (string Id, CustomerProfile Profile)[] customers =
        [
            ($"customer-{prefix}-1", new CustomerProfile
            {
                Surname = "王", FullName = "王建国", Honorific = Honorific.Mr, UnitNumber = "3-2-1201",
                Phones = ["13812345678"], ProjectId = projectId, Tier = CustomerTier.A,
            }),
            ($"customer-{prefix}-2", new CustomerProfile
            {
                Surname = "刘", Honorific = Honorific.Ms, UnitNumber = "7-1-502",
                Phones = ["13987654321", "04718881234"], ProjectId = projectId, Tier = CustomerTier.C,
            }),
        ];
        foreach (var (id, profile) in customers)
        {
            if (await grains.GetGrain<ICustomerGrain>(id).GetView() is null)
            {
                await grains.GetGrain<ICustomerGrain>(id).Upsert(profile);
            }
        }

        return customers;
    }

    private async Task Tell(Story story, string ticketId, string projectId, string agent, (string Id, CustomerProfile Profile) customer, CancellationToken cancellationToken)
    {
        if ((await grains.GetGrain<ITicketGrain>(ticketId).GetSnapshot()).Exists)
        {
            return;
        }

        var (customerId, profile) = customer;
        var intake = new TicketIntake(
            projectId, story.Kind, Channel.Phone, profile.FullName ?? profile.Surname, profile.UnitNumber, profile.Phones[0], story.Content, story.Category,
            story.Severity, Urgent: false, agent, story.Department, time.GetUtcNow() - story.Age, AnsweredOnCall: story.AnsweredOnCall,
            AnswerIsDifficult: false, profile.Honorific == Honorific.Ms ? "女士" : "先生", customerId);
        var ticket = grains.GetGrain<ITicketGrain>(ticketId);
        await ticket.Open(intake, agent);
        foreach (var step in story.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await step(agent)(ticket);
        }
    }

    /// <summary>One ticket's way through the workflow; each step is taken by the agent given.</summary>
    private sealed record Story(
        TicketKind Kind, Severity Severity, string Category, string? Department, string Content, TimeSpan Age, bool AnsweredOnCall,
        IReadOnlyList<Func<string, Func<ITicketGrain, Task<TicketState>>>> Steps);

    private static readonly IReadOnlyList<Story> Stories =
    [
        new(TicketKind.Complaint, Severity.General, "噪音", null, "楼上装修噪音影响休息,晚上九点后仍在施工。", TimeSpan.FromMinutes(20), false, []),
        new(TicketKind.Complaint, Severity.General, "维修", "工程部", "地下车库B区照明灯坏了三盏,晚上很暗。", TimeSpan.FromHours(1), false,
            [a => t => t.Forward("工程部", a, null)]),
        new(TicketKind.Complaint, Severity.Complex, "安全", "秩序部", "单元门禁损坏一周无人修理,陌生人可随意进出。", TimeSpan.FromHours(3), false,
            [a => t => t.Forward("秩序部", a, null), _ => t => t.Verify(true, "门禁主板损坏,需更换。", false, "dept-security", null)]),
        new(TicketKind.Complaint, Severity.General, "收费", "收费处", "物业费账单金额与上月不一致,要求说明。", TimeSpan.FromHours(5), false,
            [a => t => t.Forward("收费处", a, null), _ => t => t.Verify(true, "账单含公摊水电调整。", true, "dept-billing", null),
             a => t => t.WaitOnCustomer("等待业主提供缴费凭证", a, null)]),
        new(TicketKind.Complaint, Severity.General, "环境卫生", "保洁部", "垃圾桶两天未清运,有异味。", TimeSpan.FromHours(6), false,
            [a => t => t.Forward("保洁部", a, null), _ => t => t.Verify(true, "清运车辆故障,已安排补运。", true, "dept-cleaning", null),
             _ => t => t.Resolve("当日补运并消毒", "已清运完毕并消毒", "赵师傅", "保洁部经理", "dept-cleaning", null)]),
        new(TicketKind.Complaint, Severity.Simple, "绿化", "绿化部", "小区草坪喷灌水管漏水。", TimeSpan.FromHours(8), false,
            [a => t => t.Forward("绿化部", a, null), _ => t => t.Verify(true, "喷灌接头老化。", true, "dept-garden", null),
             _ => t => t.Resolve("更换接头", "已更换,无漏水", "钱师傅", null, "dept-garden", null),
             a => t => t.NotifyCustomer("王先生您好,喷灌水管已修好,感谢您的反映。", a, null)]),
        new(TicketKind.Complaint, Severity.General, "服务态度", "客服中心", "门岗人员态度生硬。", TimeSpan.FromDays(1), false,
            [a => t => t.Forward("客服中心", a, null), _ => t => t.Verify(false, "经调取监控,门岗按规定登记访客,用语规范。", true, "dept-service", null),
             a => t => t.NotifyCustomer("经核实门岗按规定登记访客,给您带来不便敬请谅解。", a, null),
             a => t => t.RecordCallback(CallbackOutcome.Satisfied, "业主表示理解", a, null)]),
        new(TicketKind.Complaint, Severity.General, "停车", null, "车位被他人长期占用。", TimeSpan.FromDays(5), false, []),
        new(TicketKind.Inquiry, Severity.General, "其他", null, "咨询物业服务中心的办公时间。", TimeSpan.FromMinutes(45), true, []),
        new(TicketKind.Repair, Severity.General, "维修", null, "厨房下水道堵塞,需上门疏通。", TimeSpan.FromHours(2), false,
            [a => t => t.Dispatch("工程部", a, null)]),
    ];

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo floor ready: {Tickets} tickets across the seed projects")]
    private static partial void LogSeeded(ILogger logger, int tickets);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo month ready: {Tickets} tickets recorded in {Seconds:0.0} s")]
    private static partial void LogMonthSeeded(ILogger logger, int tickets, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo floor could not be seeded")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
