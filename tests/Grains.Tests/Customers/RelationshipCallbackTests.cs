using HotlineGrains.Grains.Customers;
using static HotlineGrains.Grains.Customers.CallerRole;
using static HotlineGrains.Grains.Tests.Calendars.ProjectTime;

namespace HotlineGrains.Grains.Tests.Customers;

/// <summary>
/// Relationship callbacks by tier (SPEC §6, seed 003): account manager on the 1st and 16th, department
/// manager on the 8th, division head on 22 January/April/July/October (A and B), president on
/// 12 January (A); 10:00 project time, or the next service opening when the hotline is closed then.
/// The project is not configured, so the default calendar applies (Asia/Shanghai, Monday to Friday).
/// </summary>
public sealed class RelationshipCallbackTests() : CustomerSiloTest(Shanghai(2026, 3, 2, 9, 0))
{
    [Fact]
    public async Task A_tier_A_customer_gets_every_relationship_callback_on_its_day_over_two_months()
    {
        var registered = await Upsert("cust-1", CustomerTier.A);

        // Sunday 8 March is closed: the department manager calls at Monday's opening.
        Assert.Equal(
            [
                new PlannedCallback(DepartmentManager, new(2026, 3, 8), Shanghai(2026, 3, 9, 8, 0)),
                new PlannedCallback(AccountManager, new(2026, 3, 16), Shanghai(2026, 3, 16, 10, 0)),
                new PlannedCallback(DivisionHead, new(2026, 4, 22), Shanghai(2026, 4, 22, 10, 0)),
                new PlannedCallback(President, new(2027, 1, 12), Shanghai(2027, 1, 12, 10, 0)),
            ],
            registered.NextCallbacks);

        await AdvanceThrough("cust-1", Shanghai(2026, 3, 9, 7, 59));
        Assert.Empty((await View("cust-1")).RecentCallbacks);

        await AdvanceThrough("cust-1",
            Shanghai(2026, 3, 9, 8, 0), Shanghai(2026, 3, 16, 10, 0), Shanghai(2026, 4, 1, 10, 0), Shanghai(2026, 4, 8, 10, 0),
            Shanghai(2026, 4, 16, 10, 0), Shanghai(2026, 4, 22, 10, 0), Shanghai(2026, 5, 1, 10, 0), Shanghai(2026, 5, 2, 9, 0));

        (string, DateTimeOffset)[] expected =
        [
            ("DepartmentManager", Shanghai(2026, 3, 9, 8, 0)),
            ("AccountManager", Shanghai(2026, 3, 16, 10, 0)),
            ("AccountManager", Shanghai(2026, 4, 1, 10, 0)),
            ("DepartmentManager", Shanghai(2026, 4, 8, 10, 0)),
            ("AccountManager", Shanghai(2026, 4, 16, 10, 0)),
            ("DivisionHead", Shanghai(2026, 4, 22, 10, 0)),
            ("AccountManager", Shanghai(2026, 5, 1, 10, 0)),
        ];
        var due = await CallbacksDue("cust-1", expected.Length);
        Assert.Equal(expected, due.Select(e => (e.Role, e.DueAt)));
        Assert.All(due, e => Assert.Equal(e.DueAt, e.OccurredAt));
        var raised = Assert.Single(Events.Of<Contracts.CustomerCallbackDue>(), e => e.CallerRole == "DivisionHead");
        Assert.Equal(("cust-1", "A", Project, "system:relationship-callbacks"), (raised.CustomerId, raised.Tier, raised.ProjectId, raised.Actor));

        var view = await View("cust-1");
        Assert.Equal(
            [
                (AccountManager, new DateOnly(2026, 5, 1)), (DivisionHead, new DateOnly(2026, 4, 22)), (AccountManager, new DateOnly(2026, 4, 16)),
                (DepartmentManager, new DateOnly(2026, 4, 8)), (AccountManager, new DateOnly(2026, 4, 1)), (AccountManager, new DateOnly(2026, 3, 16)),
                (DepartmentManager, new DateOnly(2026, 3, 8)),
            ],
            view.RecentCallbacks.Select(r => (r.Role, r.Date)));
        Assert.Equal(
            [
                new PlannedCallback(DepartmentManager, new(2026, 5, 8), Shanghai(2026, 5, 8, 10, 0)),
                new PlannedCallback(AccountManager, new(2026, 5, 16), Shanghai(2026, 5, 18, 8, 0)),
                new PlannedCallback(DivisionHead, new(2026, 7, 22), Shanghai(2026, 7, 22, 10, 0)),
                new PlannedCallback(President, new(2027, 1, 12), Shanghai(2027, 1, 12, 10, 0)),
            ],
            view.NextCallbacks);
    }

    [Fact]
    public async Task A_tier_C_customer_gets_only_the_account_manager_and_department_manager_callbacks()
    {
        var registered = await Upsert("cust-1", CustomerTier.C);

        Assert.Equal(
            [
                new PlannedCallback(DepartmentManager, new(2026, 3, 8), Shanghai(2026, 3, 9, 8, 0)),
                new PlannedCallback(AccountManager, new(2026, 3, 16), Shanghai(2026, 3, 16, 10, 0)),
            ],
            registered.NextCallbacks);

        await AdvanceThrough("cust-1",
            Shanghai(2026, 3, 9, 8, 0), Shanghai(2026, 3, 16, 10, 0), Shanghai(2026, 4, 1, 10, 0), Shanghai(2026, 4, 8, 10, 0),
            Shanghai(2026, 4, 16, 10, 0), Shanghai(2026, 4, 22, 10, 0), Shanghai(2026, 5, 1, 10, 0));

        Assert.Equal(
            [
                ("DepartmentManager", Shanghai(2026, 3, 9, 8, 0)),
                ("AccountManager", Shanghai(2026, 3, 16, 10, 0)),
                ("AccountManager", Shanghai(2026, 4, 1, 10, 0)),
                ("DepartmentManager", Shanghai(2026, 4, 8, 10, 0)),
                ("AccountManager", Shanghai(2026, 4, 16, 10, 0)),
                ("AccountManager", Shanghai(2026, 5, 1, 10, 0)),
            ],
            (await CallbacksDue("cust-1", 6)).Select(e => (e.Role, e.DueAt)));
        Assert.DoesNotContain((await View("cust-1")).RecentCallbacks, r => r.Role is DivisionHead or President);
        Assert.Equal([DepartmentManager, AccountManager], (await View("cust-1")).NextCallbacks.Select(p => p.Role));
    }

    [Fact]
    public async Task A_tier_change_adds_the_callbacks_of_the_new_tier_and_cancels_those_it_no_longer_has()
    {
        await Upsert("cust-1", CustomerTier.C);
        await AdvanceThrough("cust-1", Shanghai(2026, 3, 9, 8, 0), Shanghai(2026, 3, 10, 9, 0));

        // Up to A: the account and department manager keep their dates, division head and president are added.
        var upgraded = await Upsert("cust-1", CustomerTier.A);
        Assert.Equal(
            [
                new PlannedCallback(AccountManager, new(2026, 3, 16), Shanghai(2026, 3, 16, 10, 0)),
                new PlannedCallback(DepartmentManager, new(2026, 4, 8), Shanghai(2026, 4, 8, 10, 0)),
                new PlannedCallback(DivisionHead, new(2026, 4, 22), Shanghai(2026, 4, 22, 10, 0)),
                new PlannedCallback(President, new(2027, 1, 12), Shanghai(2027, 1, 12, 10, 0)),
            ],
            upgraded.NextCallbacks);

        // Down to B: no president. Then to C: no division head either, and its 22 April passes unannounced.
        await AdvanceThrough("cust-1", Shanghai(2026, 3, 16, 10, 0), Shanghai(2026, 4, 1, 10, 0), Shanghai(2026, 4, 8, 10, 0), Shanghai(2026, 4, 9, 9, 0));
        var toB = await Upsert("cust-1", CustomerTier.B);
        Assert.Equal([AccountManager, DivisionHead, DepartmentManager], toB.NextCallbacks.Select(p => p.Role));
        await AdvanceThrough("cust-1", Shanghai(2026, 4, 16, 10, 0), Shanghai(2026, 4, 17, 9, 0));
        var toC = await Upsert("cust-1", CustomerTier.C);
        Assert.Equal(
            [
                new PlannedCallback(AccountManager, new(2026, 5, 1), Shanghai(2026, 5, 1, 10, 0)),
                new PlannedCallback(DepartmentManager, new(2026, 5, 8), Shanghai(2026, 5, 8, 10, 0)),
            ],
            toC.NextCallbacks);
        await AdvanceThrough("cust-1", Shanghai(2026, 4, 22, 10, 0), Shanghai(2026, 5, 1, 10, 0));

        var due = await WaitForEvents<Contracts.CustomerCallbackDue>(6, e => e.CustomerId == "cust-1");
        Assert.Equal(
            [
                ("DepartmentManager", "C", Shanghai(2026, 3, 9, 8, 0)),
                ("AccountManager", "A", Shanghai(2026, 3, 16, 10, 0)),
                ("AccountManager", "A", Shanghai(2026, 4, 1, 10, 0)),
                ("DepartmentManager", "A", Shanghai(2026, 4, 8, 10, 0)),
                ("AccountManager", "B", Shanghai(2026, 4, 16, 10, 0)),
                ("AccountManager", "C", Shanghai(2026, 5, 1, 10, 0)),
            ],
            due.Select(e => (e.CallerRole, e.Tier, e.DueAt)));
        Assert.Equal(6, (await View("cust-1")).RecentCallbacks.Count);
    }
}

/// <summary>The turn of the year: the president's yearly callback, and a date that falls on a holiday of the project's calendar.</summary>
public sealed class YearEndRelationshipCallbackTests() : CustomerSiloTest(Shanghai(2026, 12, 28, 9, 0))
{
    [Fact]
    public async Task The_president_calls_a_tier_A_customer_on_12_January_and_a_holiday_moves_a_callback_to_the_next_opening()
    {
        await ConfigureProject(Project, calendar: HotlineGrains.Grains.Calendars.ServiceCalendar.Default with { Holidays = [new DateOnly(2027, 1, 1)] });

        var registered = await Upsert("cust-1", CustomerTier.A);

        // New Year's Day is a holiday and 2–3 January a weekend: the account manager calls on Monday 4 January at 08:00.
        Assert.Equal(
            [
                new PlannedCallback(AccountManager, new(2027, 1, 1), Shanghai(2027, 1, 4, 8, 0)),
                new PlannedCallback(DepartmentManager, new(2027, 1, 8), Shanghai(2027, 1, 8, 10, 0)),
                new PlannedCallback(President, new(2027, 1, 12), Shanghai(2027, 1, 12, 10, 0)),
                new PlannedCallback(DivisionHead, new(2027, 1, 22), Shanghai(2027, 1, 22, 10, 0)),
            ],
            registered.NextCallbacks);

        await AdvanceThrough("cust-1",
            Shanghai(2027, 1, 4, 8, 0), Shanghai(2027, 1, 8, 10, 0), Shanghai(2027, 1, 12, 10, 0), Shanghai(2027, 1, 18, 8, 0), Shanghai(2027, 1, 22, 10, 0));

        Assert.Equal(
            [
                ("AccountManager", Shanghai(2027, 1, 4, 8, 0)),
                ("DepartmentManager", Shanghai(2027, 1, 8, 10, 0)),
                ("President", Shanghai(2027, 1, 12, 10, 0)),
                ("AccountManager", Shanghai(2027, 1, 18, 8, 0)),
                ("DivisionHead", Shanghai(2027, 1, 22, 10, 0)),
            ],
            (await CallbacksDue("cust-1", 5)).Select(e => (e.Role, e.DueAt)));
        Assert.Equal(
            [
                new PlannedCallback(AccountManager, new(2027, 2, 1), Shanghai(2027, 2, 1, 10, 0)),
                new PlannedCallback(DepartmentManager, new(2027, 2, 8), Shanghai(2027, 2, 8, 10, 0)),
                new PlannedCallback(DivisionHead, new(2027, 4, 22), Shanghai(2027, 4, 22, 10, 0)),
                new PlannedCallback(President, new(2028, 1, 12), Shanghai(2028, 1, 12, 10, 0)),
            ],
            (await View("cust-1")).NextCallbacks);
    }
}
