using System.Text.Json.Serialization;

namespace HotlineGrains.Grains.ServiceLevels;

/// <summary>What a ticket is (SPEC §3 kinds); decides which SLA clocks it has.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TicketKind>))]
public enum TicketKind
{
    /// <summary>征询/咨询: answered on the call.</summary>
    Inquiry,

    /// <summary>查询: answered within 1 minute.</summary>
    Lookup,

    /// <summary>投诉: the full complaint workflow.</summary>
    Complaint,

    /// <summary>建议: thanked, forwarded, closed.</summary>
    Suggestion,

    /// <summary>报修/生单转现场: an on-site work order for a department.</summary>
    Repair,
}

/// <summary>How hard a complaint is (简单 / 一般 / 复杂); picks the complaint's budgets.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>简单: answered at once (2 working hours).</summary>
    Simple,

    /// <summary>一般: 1 working day, at most 3.</summary>
    General,

    /// <summary>复杂: 5 working days, at most 7.</summary>
    Complex,
}
