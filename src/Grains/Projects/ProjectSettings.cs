using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.ServiceLevels;
using Orleans;

namespace HotlineGrains.Grains.Projects;

/// <summary>
/// A project's configuration (<c>GET|PUT /api/projects/{id}</c>): how it greets, when it serves,
/// what it promises, and the words its agents must not use.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ProjectSettings
{
    /// <summary>Display name, e.g. 维邦奥林花园.</summary>
    public required string Name { get; init; }

    /// <summary>What the agent says on answering (您好,这里是维邦物业××项目客服中心,为您服务).</summary>
    public required string Greeting { get; init; }

    /// <summary>Leading part of the project's ticket numbers: 1–8 capital letters or digits.</summary>
    public required string TicketPrefix { get; init; }

    /// <summary>Service hours, holidays and the project's time zone; working time runs on it.</summary>
    public ServiceCalendar Calendar { get; init; } = ServiceCalendar.Default;

    /// <summary>The SLA table (SPEC §4.1), quiet hours and callback rules.</summary>
    public SlaPolicy ServiceLevels { get; init; } = SlaPolicy.Default;

    public IReadOnlyList<string> Departments { get; init; } = ["工程部", "秩序部", "保洁部", "绿化部", "收费处", "客服中心"];

    public IReadOnlyList<string> Categories { get; init; } = ["维修", "安全", "环境卫生", "绿化", "收费", "停车", "服务态度", "噪音", "其他"];

    /// <summary>
    /// 忌语 (seed 000 §七(二)): a reply containing any of these is flagged before it is sent. Every
    /// sentence of the seed is here, split where a part is offensive on its own (an agent rarely says
    /// the whole sentence), with the seed's OCR slips corrected (清晰 → 清楚, 措施 → 办法, the lost 电话).
    /// </summary>
    public IReadOnlyList<string> ForbiddenPhrases { get; init; } =
    [
        // 1. 直呼客户; 责任、训斥或反问客户
        "喂", "嘿", "你的电话怎么回事", "一会儿大、一会儿小的", "我不是跟你说得很清楚了吗", "我不是跟你说的很清楚了吗", "谁告诉你的",
        // 2. 态度傲慢、厌烦
        "不行就是不行", "不行就算不行", "你问我,我问谁", "我就这个态度", "没法查", "没办法", "用不起就别用",
        "有什么了不起", "你到底想怎么样", "你究竟想怎么样",
        // 3. 命令客户
        "你小声一点行不行", "叫你旁边的人别说话", "大声点", "我听不清", "听不清楚,重讲", "听不清,重讲",
        // 4. 推诿客户
        "我不清楚,你找别人", "你找什么什么地方问去", "尽管去投诉", "这不关我的事", "这个不是我处理的", "你去找处理的那个人",
        "有意见找领导去",
    ];

    public StandardPhrases Phrases { get; init; } = StandardPhrases.Default;

    /// <summary>A break longer than this alerts the supervisor (seed 002).</summary>
    public TimeSpan BreakLimit { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>No inbound call for this much service time raises LineSilent, so someone test-dials the line.</summary>
    public TimeSpan LineSilenceAlert { get; init; } = TimeSpan.FromMinutes(30);

    public string TimeZone => Calendar.TimeZone;

    public IReadOnlyList<ValidationProblem> Validate()
    {
        var problems = new List<ValidationProblem>();
        Require(problems, "name", Name, 64);
        Require(problems, "greeting", Greeting, 200);
        if (string.IsNullOrEmpty(TicketPrefix) || TicketPrefix.Length > 8 || !TicketPrefix.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
        {
            problems.Add(new("ticketPrefix", "1 to 8 capital letters or digits."));
        }

        problems.AddRange(Calendar is null ? [new("calendar", "Required.")] : Calendar.Validate().Select(p => p.Under("calendar")));
        problems.AddRange(ServiceLevels is null ? [new("serviceLevels", "Required.")] : ServiceLevels.Validate().Select(p => p.Under("serviceLevels")));
        List(problems, "departments", Departments);
        List(problems, "categories", Categories);
        List(problems, "forbiddenPhrases", ForbiddenPhrases);
        if (Phrases is null)
        {
            problems.Add(new("phrases", "Required."));
        }

        if (BreakLimit <= TimeSpan.Zero || BreakLimit > TimeSpan.FromHours(8))
        {
            problems.Add(new("breakLimit", "Between 00:00:01 and 08:00:00."));
        }

        if (LineSilenceAlert < TimeSpan.FromMinutes(1) || LineSilenceAlert > TimeSpan.FromHours(24))
        {
            problems.Add(new("lineSilenceAlert", "Between 00:01:00 and 24:00:00."));
        }

        return problems;
    }

    private static void Require(List<ValidationProblem> problems, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(new(field, "Required."));
        }
        else if (value.Length > maxLength)
        {
            problems.Add(new(field, $"At most {maxLength} characters."));
        }
    }

    private static void List(List<ValidationProblem> problems, string field, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            problems.Add(new(field, "Required."));
            return;
        }

        if (values.Count > 200)
        {
            problems.Add(new(field, "At most 200 entries."));
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]) || values[i].Length > 100)
            {
                problems.Add(new($"{field}[{i}]", "1 to 100 characters."));
            }
        }
    }
}

/// <summary>The standard phrases the intake form shows for the moment (seed 000 §七).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record StandardPhrases(string Hold, string Transfer, string CannotAnswerNow, string Closing)
{
    public static StandardPhrases Default { get; } = new(
        Hold: "您好,正在为您查询,请您再耐心等待一下。",
        Transfer: "请您稍等,我马上为您转接相关部门的同事。",
        CannotAnswerNow: "X先生/女士,您的问题我已经记录下来,将会在X小时内答复您。",
        Closing: "请问您还有其他问题吗?感谢您的来电,请您先挂机。再见。");
}
