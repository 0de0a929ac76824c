using HotlineGrains.Contracts;
using HotlineGrains.Grains.Customers;
using HotlineGrains.Testing;

namespace HotlineGrains.Grains.Tests.Customers;

/// <summary>A silo on a manual clock recording CustomerCallbackDue, with helpers to walk a customer's callback calendar.</summary>
public abstract class CustomerSiloTest(DateTimeOffset start) : ManualClockSiloTest(start, bus => bus.AddConsumer<EventRecorder<CustomerCallbackDue>>())
{
    protected const string Project = "plaza";

    protected Task<CustomerView> Upsert(string customerId, CustomerTier tier) =>
        Grains.GetGrain<ICustomerGrain>(customerId).Upsert(new CustomerProfile
        {
            Surname = "王",
            FullName = "王建国",
            Honorific = Honorific.Mr,
            UnitNumber = "3-2-1201",
            Phones = ["13800138000"],
            ProjectId = Project,
            Tier = tier,
        });

    protected async Task<CustomerView> View(string customerId) =>
        (await Grains.GetGrain<ICustomerGrain>(customerId).GetView())!;

    /// <summary>
    /// Moves the clock to each due time in turn and waits until the customer has raised what fell
    /// due and planned the next date of that role (so nothing is skipped by moving on too soon).
    /// </summary>
    protected async Task AdvanceThrough(string customerId, params DateTimeOffset[] stops)
    {
        foreach (var stop in stops)
        {
            Clock.AdvanceTo(stop);
            await Eventually.Until(async () => (await View(customerId)).NextCallbacks.All(p => p.DueAt > Now),
                $"{customerId}'s callbacks due by {Now:u} raised and planned again");
        }
    }

    /// <summary>The CustomerCallbackDue events of <paramref name="customerId"/>, once <paramref name="count"/> arrived, as (role, due, raised at).</summary>
    protected async Task<IReadOnlyList<(string Role, DateTimeOffset DueAt, DateTimeOffset OccurredAt)>> CallbacksDue(string customerId, int count)
    {
        var raised = await WaitForEvents<CustomerCallbackDue>(count, e => e.CustomerId == customerId);
        return [.. raised.Select(e => (e.CallerRole, e.DueAt, e.OccurredAt))];
    }
}
