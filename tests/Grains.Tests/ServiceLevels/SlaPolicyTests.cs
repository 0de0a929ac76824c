using System.Text.Json;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.ServiceLevels;

namespace HotlineGrains.Grains.Tests.ServiceLevels;

/// <summary>The policy table as data: SPEC §4.1 by default, editable, serialisable, validated.</summary>
public sealed class SlaPolicyTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static WorkDuration Hours(int hours) => WorkDuration.FromHours(hours);

    private static WorkDuration Days(int days) => WorkDuration.FromDays(days);

    [Fact]
    public void The_default_policy_is_the_SPEC_table()
    {
        var policy = SlaPolicy.Default;

        Assert.Equal(new ClockBudgets(null, null, null), policy.Inquiry);
        Assert.Equal(new ClockBudgets(null, WorkDuration.FromMinutes(1), WorkDuration.FromMinutes(1)), policy.Lookup);
        Assert.Equal(new ClockBudgets(Hours(2), Hours(2), Hours(2)), policy.Complaint.Simple);
        Assert.Equal(new ClockBudgets(Hours(2), Days(1), Days(3)), policy.Complaint.General);
        Assert.Equal(new ClockBudgets(Hours(2), Days(5), Days(7)), policy.Complaint.Complex);
        Assert.Equal(new ClockBudgets(null, null, null), policy.Suggestion);
        Assert.Equal(new ClockBudgets(Hours(2), Days(1), Days(3)), policy.Repair);
        Assert.Equal(new UrgentRule { FirstReply = Hours(2), TargetFactor = 0.5, DeadlineCap = Days(3) }, policy.Urgent);
        Assert.Equal(0.8, policy.AtRiskFraction);
        Assert.Equal(new CallbackPromiseRule { Simple = Hours(2), Difficult = Hours(16), InterimCallback = Hours(16) }, policy.CallbackPromise);
        Assert.Equal(Days(1), policy.CallbackAfterNotice);
        Assert.Equal(new QuietHours(new TimeOnly(18, 0), new TimeOnly(8, 0)), policy.QuietHours);
        Assert.Equal(3, policy.MaxCallbackAttempts);
        Assert.Empty(policy.Validate());
    }

    [Fact]
    public void Working_day_budgets_are_converted_with_the_calendars_standard_day_when_computed()
    {
        var eightHours = ServiceCalendar.Default;
        var sevenAndAHalf = ServiceCalendar.Default with { StandardDayLength = TimeSpan.FromHours(7.5) };

        Assert.Equal(
            new SlaBudgets(TimeSpan.FromHours(2), TimeSpan.FromHours(40), TimeSpan.FromHours(56)),
            SlaCalculator.Budgets(eightHours, SlaPolicy.Default, TicketKind.Complaint, Severity.Complex, urgent: false));
        Assert.Equal(
            new SlaBudgets(TimeSpan.FromHours(2), TimeSpan.FromHours(37.5), TimeSpan.FromHours(52.5)),
            SlaCalculator.Budgets(sevenAndAHalf, SlaPolicy.Default, TicketKind.Complaint, Severity.Complex, urgent: false));
        Assert.Equal(TimeSpan.FromHours(7.5) + TimeSpan.FromHours(3) + TimeSpan.FromMinutes(20),
            new WorkDuration { Days = 1, Hours = 3, Minutes = 20 }.ToWorkingTime(sevenAndAHalf));
    }

    [Fact]
    public void The_policy_round_trips_through_web_JSON_and_stays_equal()
    {
        var edited = SlaPolicy.Default with
        {
            Complaint = SlaPolicy.Default.Complaint with { General = new ClockBudgets(Hours(1), Days(2), Days(4)) },
            QuietHours = null,
            AtRiskFraction = 0.75,
        };

        foreach (var policy in new[] { SlaPolicy.Default, edited })
        {
            var json = JsonSerializer.Serialize(policy, Json);
            Assert.Equal(policy, JsonSerializer.Deserialize<SlaPolicy>(json, Json));
        }

        var defaultJson = JsonSerializer.Serialize(SlaPolicy.Default, Json);
        Assert.Contains("\"general\":{\"firstReply\":{\"hours\":2},\"target\":{\"days\":1},\"deadline\":{\"days\":3}}", defaultJson, StringComparison.Ordinal);
        Assert.Contains("\"lookup\":{\"firstReply\":null,\"target\":{\"minutes\":1},\"deadline\":{\"minutes\":1}}", defaultJson, StringComparison.Ordinal);
        Assert.Contains("\"quietHours\":{\"start\":\"18:00:00\",\"end\":\"08:00:00\"}", defaultJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_written_policy_keeps_the_defaults_it_does_not_mention_and_null_means_no_clock()
    {
        const string json = """
            {
              "repair": { "firstReply": { "hours": 1 }, "target": { "days": 2 } },
              "atRiskFraction": 0.9
            }
            """;

        var policy = JsonSerializer.Deserialize<SlaPolicy>(json, Json)!;

        Assert.Equal(new ClockBudgets(Hours(1), Days(2), null), policy.Repair);
        Assert.Equal(0.9, policy.AtRiskFraction);
        Assert.Equal(SlaPolicy.Default.Complaint, policy.Complaint);
        Assert.Equal(SlaPolicy.Default with { Repair = policy.Repair, AtRiskFraction = 0.9 }, policy);
    }

    [Fact]
    public void Each_policy_problem_names_its_field()
    {
        var policy = SlaPolicy.Default with
        {
            Complaint = SlaPolicy.Default.Complaint with
            {
                General = new ClockBudgets(Hours(-2), Days(4), Days(3)),
                Complex = new ClockBudgets(Hours(2), Days(5), WorkDuration.FromMinutes(0)),
            },
            Repair = new ClockBudgets(null, Hours(10), Days(1)),
            Urgent = new UrgentRule { TargetFactor = 1.5 },
            AtRiskFraction = 0,
            CallbackPromise = new CallbackPromiseRule { Difficult = default },
            QuietHours = new QuietHours(new TimeOnly(18, 0), new TimeOnly(18, 0)),
            MaxCallbackAttempts = 0,
        };

        var problems = policy.Validate();

        Assert.Equal(
            [
                "complaint.general.firstReply",
                "complaint.general.target",
                "complaint.complex.deadline",
                "repair.target",
                "urgent.targetFactor",
                "atRiskFraction",
                "callbackPromise.difficult",
                "quietHours.end",
                "maxCallbackAttempts",
            ],
            problems.Select(p => p.Field));
    }

    [Fact]
    public void A_target_after_its_deadline_is_judged_with_the_calendars_working_day()
    {
        // 1 day vs 10 hours: fine with an 8-hour day, not with a 12-hour one.
        var policy = SlaPolicy.Default with { Repair = new ClockBudgets(null, Days(1), Hours(10)) };

        Assert.Empty(policy.Validate(TimeSpan.FromHours(8)));
        Assert.Equal(["repair.target"], policy.Validate(TimeSpan.FromHours(12)).Select(p => p.Field));
    }

    [Fact]
    public void A_policy_with_a_missing_section_says_which()
    {
        var policy = JsonSerializer.Deserialize<SlaPolicy>("""{ "complaint": null, "urgent": null }""", Json)!;

        Assert.Equal(["complaint", "urgent"], policy.Validate().Select(p => p.Field));
    }
}
