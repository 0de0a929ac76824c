using HotlineGrains.Gateway.Api;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Grains.Tickets;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>The intake form (投诉处理表 header) as posted by the agent console.</summary>
public sealed record IntakeRequest(
    TicketKind Kind,
    Channel Channel,
    string CustomerName,
    string UnitNumber,
    string ContactPhone,
    string Content,
    string Category,
    string ReceivingAgent,
    Severity Severity = Severity.General,
    bool Urgent = false,
    string? Department = null,
    DateTimeOffset? ReceivedAt = null,
    bool AnsweredOnCall = false,
    bool AnswerIsDifficult = false,
    string? Honorific = null,
    string? CustomerId = null)
{
    public const int MaxContent = 2000;

    internal Check Validate(ProjectSettings project, DateTimeOffset now) =>
        new Check()
            .Text("customerName", CustomerName, 50)
            .Text("unitNumber", UnitNumber, 30)
            .Phone("contactPhone", ContactPhone)
            .Text("content", Content, MaxContent)
            .OneOf("category", Category, project.Categories)
            .Text("receivingAgent", ReceivingAgent, 40)
            .OneOf("department", Department, project.Departments, required: false)
            .OneOf("honorific", Honorific, ["先生", "女士"], required: false)
            .Instant("receivedAt", ReceivedAt, now, TimeSpan.FromDays(30), TimeSpan.FromMinutes(5))
            .That(!(AnsweredOnCall && Kind is TicketKind.Complaint or TicketKind.Repair), "answeredOnCall", "A complaint or repair is not closed on the call; it follows the workflow.");

    public TicketIntake ToIntake(string projectId) =>
        new(projectId, Kind, Channel, CustomerName.Trim(), UnitNumber.Trim(), ContactPhone.Trim(), Content.Trim(), Category, Severity, Urgent,
            ReceivingAgent.Trim(), Department, ReceivedAt?.ToUniversalTime(), AnsweredOnCall, AnswerIsDifficult, Honorific, CustomerId);
}

public sealed record DepartmentRequest(string Department);

public sealed record VerifyRequest(bool Founded, string Findings, bool SolvableAtOnce = true);

public sealed record ReasonRequest(string Reason);

public sealed record ResolveRequest(string Plan, string Result, string Handler, string? DepartmentManager = null);

public sealed record MessageRequest(string Message);

public sealed record CallbackRequest(CallbackOutcome Outcome, string? Note = null);

public sealed record AnswerRequest(string Answer);

public sealed record ReplyRequest(string Text);

/// <summary>Agent, department or both; the one left out stays as it is.</summary>
public sealed record ReassignRequest(string Reason, string? Agent = null, string? Department = null);

public sealed record ClassifyRequest(TicketKind? Kind = null, Severity? Severity = null, bool? Urgent = null);

public sealed record EmptyRequest;
