using System.Globalization;
using HotlineGrains.Grains.Calendars;
using Orleans;

namespace HotlineGrains.Grains.ServiceLevels;

/// <summary>
/// A project's service-level policy (SPEC §4.1, §4.3): the table of clocks per ticket kind, the
/// urgent rule, the at-risk fraction, callback promises, the callback after notifying the customer,
/// outbound quiet hours and callback attempts. Editable per project; immutable and value-equal;
/// serialises with <c>JsonSerializerDefaults.Web</c>. A member left out of the JSON keeps its
/// default; a budget given as <c>null</c> means "no such clock".
/// </summary>
/// <remarks>
/// All budgets are working time on the project's service calendar, the "2 hours" first reply
/// included (the table says "2 hours", the seed "2小时"; a hotline staffed 8 hours a day can only
/// reply within its service hours, so it is read as 2 working hours). Working days are converted
/// with the calendar's standard day length when a clock is computed.
/// </remarks>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record SlaPolicy
{
    /// <summary>Policy budgets are capped at ten years (counting a working day as 24 hours).</summary>
    public const int MaxBudgetDays = 3660;

    /// <summary>SPEC §4.1 and §4.3 as written.</summary>
    public static SlaPolicy Default { get; } = new();

    /// <summary>征询: answered on the call, so no clock. One that cannot be answered on the spot gets a <see cref="CallbackPromise"/>.</summary>
    public ClockBudgets Inquiry { get; init; } = ClockBudgets.None;

    /// <summary>查询: target and deadline 1 minute, no separate first reply.</summary>
    public ClockBudgets Lookup { get; init; } = new(null, WorkDuration.FromMinutes(1), WorkDuration.FromMinutes(1));

    /// <summary>投诉, by severity.</summary>
    public ComplaintBudgets Complaint { get; init; } = new();

    /// <summary>建议: thanked, forwarded and closed on intake, so no clock.</summary>
    public ClockBudgets Suggestion { get; init; } = ClockBudgets.None;

    /// <summary>报修/生单转现场: first reply 2 working hours, target 1 working day, deadline 3 working days.</summary>
    public ClockBudgets Repair { get; init; } =
        new(WorkDuration.FromHours(2), WorkDuration.FromDays(1), WorkDuration.FromDays(3));

    /// <summary>紧急/重大 tickets: first reply 2 hours, target halved, deadline at most 3 working days.</summary>
    public UrgentRule Urgent { get; init; } = new();

    /// <summary>Share of a clock's budget after which the ticket is at risk (SlaWarning); in (0, 1], default 0.8.</summary>
    public double AtRiskFraction { get; init; } = 0.8;

    /// <summary>Answers that cannot be given on the spot (seed 000 §七 4.3).</summary>
    public CallbackPromiseRule CallbackPromise { get; init; } = new();

    /// <summary>The callback (回访) after the customer is notified is due within this (1 working day).</summary>
    public WorkDuration CallbackAfterNotice { get; init; } = WorkDuration.FromDays(1);

    /// <summary>No outbound calls then (default 18:00–08:00 project time); <c>null</c> for none.</summary>
    public QuietHours? QuietHours { get; init; } = QuietHours.Default;

    /// <summary>Callback attempts before the customer is recorded Unreachable (3).</summary>
    public int MaxCallbackAttempts { get; init; } = 3;

    /// <summary>The policy row for a kind (and, for complaints, severity), before the urgent rule.</summary>
    public ClockBudgets BudgetsFor(TicketKind kind, Severity severity) => kind switch
    {
        TicketKind.Inquiry => Inquiry,
        TicketKind.Lookup => Lookup,
        TicketKind.Complaint => severity switch
        {
            Severity.Simple => Complaint.Simple,
            Severity.General => Complaint.General,
            Severity.Complex => Complaint.Complex,
            _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "Unknown severity."),
        },
        TicketKind.Suggestion => Suggestion,
        TicketKind.Repair => Repair,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown ticket kind."),
    };

    /// <summary>Problems, comparing days with hours at the default 8-hour working day.</summary>
    public IReadOnlyList<ValidationProblem> Validate() => Validate(ServiceCalendar.DefaultStandardDayLength);

    /// <summary>
    /// Everything wrong with this policy, each naming its field (camelCase JSON path, e.g.
    /// <c>complaint.general.deadline</c>). <paramref name="standardDayLength"/> is the calendar's,
    /// used to check that no target falls after its deadline.
    /// </summary>
    public IReadOnlyList<ValidationProblem> Validate(TimeSpan standardDayLength)
    {
        var problems = new List<ValidationProblem>();
        var dayLength = standardDayLength > TimeSpan.Zero && standardDayLength <= TimeSpan.FromDays(1)
            ? standardDayLength
            : ServiceCalendar.DefaultStandardDayLength;

        CheckBudgets(problems, "inquiry", Inquiry, dayLength);
        CheckBudgets(problems, "lookup", Lookup, dayLength);
        if (Complaint is null)
        {
            problems.Add(new("complaint", "The complaint budgets are required."));
        }
        else
        {
            CheckBudgets(problems, "complaint.simple", Complaint.Simple, dayLength);
            CheckBudgets(problems, "complaint.general", Complaint.General, dayLength);
            CheckBudgets(problems, "complaint.complex", Complaint.Complex, dayLength);
        }

        CheckBudgets(problems, "suggestion", Suggestion, dayLength);
        CheckBudgets(problems, "repair", Repair, dayLength);

        if (Urgent is null)
        {
            problems.Add(new("urgent", "The urgent rule is required."));
        }
        else
        {
            CheckDuration(problems, "urgent.firstReply", Urgent.FirstReply);
            if (!(Urgent.TargetFactor > 0 && Urgent.TargetFactor <= 1))
            {
                problems.Add(new("urgent.targetFactor", "Must be more than 0 and at most 1 (0.5 halves the target)."));
            }

            CheckDuration(problems, "urgent.deadlineCap", Urgent.DeadlineCap);
        }

        if (!(AtRiskFraction > 0 && AtRiskFraction <= 1))
        {
            problems.Add(new("atRiskFraction", "Must be more than 0 and at most 1 (0.8 warns at 80% of a clock)."));
        }

        if (CallbackPromise is null)
        {
            problems.Add(new("callbackPromise", "The callback promise rule is required."));
        }
        else
        {
            CheckDuration(problems, "callbackPromise.simple", CallbackPromise.Simple, required: true);
            CheckDuration(problems, "callbackPromise.difficult", CallbackPromise.Difficult, required: true);
            CheckDuration(problems, "callbackPromise.interimCallback", CallbackPromise.InterimCallback, required: true);
        }

        CheckDuration(problems, "callbackAfterNotice", CallbackAfterNotice, required: true);
        if (QuietHours is not null)
        {
            problems.AddRange(QuietHours.Validate().Select(problem => problem.Under("quietHours")));
        }

        if (MaxCallbackAttempts < 1)
        {
            problems.Add(new("maxCallbackAttempts", "At least one callback attempt is needed."));
        }

        return problems;
    }

    private static void CheckBudgets(List<ValidationProblem> problems, string path, ClockBudgets? budgets, TimeSpan dayLength)
    {
        if (budgets is null)
        {
            problems.Add(new(path, "The budgets are required; give null budgets for \"no clock\"."));
            return;
        }

        CheckDuration(problems, $"{path}.firstReply", budgets.FirstReply);
        var ok = CheckDuration(problems, $"{path}.target", budgets.Target)
            & CheckDuration(problems, $"{path}.deadline", budgets.Deadline);
        if (ok && budgets.Target is { } target && budgets.Deadline is { } deadline
            && target.ToWorkingTime(dayLength) > deadline.ToWorkingTime(dayLength))
        {
            problems.Add(new($"{path}.target", string.Create(CultureInfo.InvariantCulture,
                $"The target ({target}) is after the deadline ({deadline}) with a {dayLength.TotalHours:0.##}-hour working day.")));
        }
    }

    private static bool CheckDuration(List<ValidationProblem> problems, string path, WorkDuration? duration, bool required = false)
    {
        if (duration is not { } value)
        {
            if (required)
            {
                problems.Add(new(path, "Required."));
                return false;
            }

            return true;
        }

        if (value.IsNegative)
        {
            problems.Add(new(path, "Days, hours and minutes must not be negative."));
            return false;
        }

        if (value.IsZero)
        {
            problems.Add(new(path, required ? "Must be longer than zero." : "Must be longer than zero; give null for no clock."));
            return false;
        }

        if (value.MaxMinutes > MaxBudgetDays * 24L * 60)
        {
            problems.Add(new(path, string.Create(CultureInfo.InvariantCulture, $"Too long: at most {MaxBudgetDays} days.")));
            return false;
        }

        return true;
    }
}

/// <summary>
/// One row of the policy table: the working-time budget of each clock, or <c>null</c> for no such
/// clock. FirstReply is the first answer to the customer; Target is when the answer (resolution)
/// is due and a miss makes the agent update the customer; Deadline is the breach (escalation).
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ClockBudgets(WorkDuration? FirstReply, WorkDuration? Target, WorkDuration? Deadline)
{
    /// <summary>No clocks at all.</summary>
    public static ClockBudgets None { get; } = new(null, null, null);
}

/// <summary>Complaint budgets by severity (seed 000 §六(二)5, SPEC §4.1).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record ComplaintBudgets
{
    /// <summary>简单: answered at once, which the table reads as 2 working hours; deadline the same.</summary>
    public ClockBudgets Simple { get; init; } =
        new(WorkDuration.FromHours(2), WorkDuration.FromHours(2), WorkDuration.FromHours(2));

    /// <summary>一般: 1 working day, at most 3.</summary>
    public ClockBudgets General { get; init; } =
        new(WorkDuration.FromHours(2), WorkDuration.FromDays(1), WorkDuration.FromDays(3));

    /// <summary>复杂: 5 working days, at most 7.</summary>
    public ClockBudgets Complex { get; init; } =
        new(WorkDuration.FromHours(2), WorkDuration.FromDays(5), WorkDuration.FromDays(7));
}

/// <summary>
/// What the urgent flag (紧急/重大) does to a ticket's clocks: the first reply is due within
/// <see cref="FirstReply"/> if that is sooner; the target is multiplied by
/// <see cref="TargetFactor"/>; the deadline is at most <see cref="DeadlineCap"/>. It only changes
/// clocks the kind has: an urgent inquiry or suggestion still has none.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record UrgentRule
{
    public WorkDuration? FirstReply { get; init; } = WorkDuration.FromHours(2);

    public double TargetFactor { get; init; } = 0.5;

    public WorkDuration? DeadlineCap { get; init; } = WorkDuration.FromDays(3);
}

/// <summary>
/// "很抱歉…将会在X小时内答复您": the callback promised for an answer not given on the spot, at
/// most 2 working hours for a simple question and 16 for a difficult one; if there is still no
/// result after <see cref="InterimCallback"/> (16 working hours) the agent calls to explain.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record CallbackPromiseRule
{
    public WorkDuration Simple { get; init; } = WorkDuration.FromHours(2);

    public WorkDuration Difficult { get; init; } = WorkDuration.FromHours(16);

    public WorkDuration InterimCallback { get; init; } = WorkDuration.FromHours(16);
}
