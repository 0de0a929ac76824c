using HotlineGrains.Grains.Customers;
using HotlineGrains.Grains.ServiceLevels;
using HotlineGrains.Silo;
using HotlineGrains.Testing;
using static HotlineGrains.Grains.Tests.Calendars.ProjectTime;

namespace HotlineGrains.Grains.Tests.Customers;

/// <summary>A ticket whose intake names the customer goes into the customer's history (RecordCustomerTicket).</summary>
public sealed class CustomerTicketHistoryTests() : CustomerSiloTest(Shanghai(2026, 3, 2, 9, 0))
{
    private const string Agent = "agent-1001";

    [Fact]
    public async Task The_customer_lists_their_tickets_newest_first_by_when_they_were_received()
    {
        await ConfigureProject(Project);
        await Upsert("cust-1", CustomerTier.B);
        await Upsert("cust-2", CustomerTier.C);
        await OpenTicket("t-1", Intake(Project, Agent, TicketKind.Inquiry, customerId: "cust-1", answeredOnCall: true));
        Clock.Advance(TimeSpan.FromHours(1));
        await OpenTicket("t-2", Intake(Project, Agent, TicketKind.Complaint, customerId: "cust-1"));

        // A walk-in written up half an hour after the customer came by.
        await OpenTicket("t-3", Intake(Project, Agent, TicketKind.Repair, customerId: "cust-1", receivedAt: Shanghai(2026, 3, 2, 9, 30)));
        await OpenTicket("t-4", Intake(Project, Agent, TicketKind.Complaint, customerId: "cust-2"));
        await OpenTicket("t-5", Intake(Project, Agent, TicketKind.Lookup));

        Assert.Equal(["t-4"], (await TicketsOf("cust-2", 1)).Select(t => t.TicketId));
        var tickets = await TicketsOf("cust-1", 3);
        Assert.Equal(
            [
                new CustomerTicket("t-2", "GC-20260302-0002", "Complaint", Shanghai(2026, 3, 2, 10, 0)),
                new CustomerTicket("t-3", "GC-20260302-0003", "Repair", Shanghai(2026, 3, 2, 9, 30)),
                new CustomerTicket("t-1", "GC-20260302-0001", "Inquiry", Shanghai(2026, 3, 2, 9, 0)),
            ],
            tickets);
        var rows = await ReadModels.QueryAsync<CustomerDirectoryRow>(new ReadModelQuery(CustomerGrain.DirectoryModel, [Project]));
        var row = Assert.Single(rows.Items, r => r.Id == "cust-1");
        Assert.Equal(("cust-1", 3, Shanghai(2026, 3, 2, 10, 0)), (row.Id, row.Tickets, row.LastTicketAt));
    }

    private async Task<IReadOnlyList<CustomerTicket>> TicketsOf(string customerId, int count)
    {
        IReadOnlyList<CustomerTicket> tickets = [];
        await Eventually.Until(async () => (tickets = (await View(customerId)).Tickets).Count >= count, $"{count} tickets in {customerId}'s history");
        return tickets;
    }
}
