using System.Net;
using System.Text.Json;
using HotlineGrains.Contracts;
using HotlineGrains.Testing;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests;

/// <summary>
/// Agents (SPEC §5: presence, time in state, delegate) and customers (SPEC §2, §6: profile, history,
/// lookup by phone) through the REST API, on a clock that moves only when the test moves it.
/// </summary>
public sealed class AgentAndCustomerApiTests() : ClockedGateway("Sqlite")
{
    private const string Plaza = "weibang-plaza";
    private const string Garden = "weibang-olympic-garden";
    private const string Jining = "jining-shiji-jiayuan";

    [Fact]
    public async Task Putting_an_agent_registers_them_offline_and_putting_again_replaces_the_profile_but_keeps_presence()
    {
        var registered = await Api.Put("/api/agents/a-2001", Agent("2001", "张敏", [Plaza], ["工程", "收费"]));

        Assert.Equal(
            ("a-2001", "2001", "张敏", "Offline", Start, "00:00:00", JsonValueKind.Null, 0, false),
            (registered.GetProperty("id").GetString(), registered.GetProperty("workNumber").GetString(), registered.GetProperty("name").GetString(),
                registered.GetProperty("presence").GetString(), registered.GetProperty("since").GetDateTimeOffset(),
                registered.GetProperty("timeInState").GetString(), registered.GetProperty("delegate").ValueKind,
                registered.GetProperty("openTickets").GetArrayLength(), registered.GetProperty("overBreakLimit").GetBoolean()));
        Assert.Equal([Plaza], Strings(registered.GetProperty("projects")));
        Assert.Equal(["工程", "收费"], Strings(registered.GetProperty("departments")));
        Assert.Equal(registered.GetRawText(), (await Api.Get("/api/agents/a-2001")).GetRawText());

        await Api.Put("/api/agents/a-2001/presence", new { presence = "Available" });
        Clock.Advance(TimeSpan.FromMinutes(2));
        var replaced = await Api.Put("/api/agents/a-2001", Agent("2001", "张敏敏", [Plaza, Garden], []));

        Assert.Equal(("张敏敏", "Available", Start, "00:02:00"),
            (replaced.GetProperty("name").GetString(), replaced.GetProperty("presence").GetString(),
                replaced.GetProperty("since").GetDateTimeOffset(), replaced.GetProperty("timeInState").GetString()));
        Assert.Equal([Plaza, Garden], Strings(replaced.GetProperty("projects")));
        Assert.Empty(Strings(replaced.GetProperty("departments")));
    }

    [Fact]
    public async Task A_project_floor_lists_every_agent_serving_the_project_including_those_whose_home_is_another()
    {
        await Api.Put("/api/agents/a-plaza", Agent("3001", "张敏", [Plaza], []));
        await Api.Put("/api/agents/a-both", Agent("3002", "李强", [Garden, Plaza], []));
        await Api.Put("/api/agents/a-garden", Agent("3003", "赵磊", [Garden], []));
        await Api.Put("/api/agents/a-both/presence", new { presence = "OnCall" });

        var plaza = await Api.Get($"/api/projects/{Plaza}/agents");
        var garden = await Api.Get($"/api/projects/{Garden}/agents");
        var jining = await Api.Get($"/api/projects/{Jining}/agents");

        Assert.Equal([("a-plaza", "3001", "Offline"), ("a-both", "3002", "OnCall")], Floor(plaza));
        Assert.Equal([("a-both", "3002", "OnCall"), ("a-garden", "3003", "Offline")], Floor(garden));
        Assert.Empty(Floor(jining));
        Assert.Equal([Garden, Plaza], Strings(plaza.EnumerateArray().Single(a => a.GetProperty("id").GetString() == "a-both").GetProperty("projects")));
    }

    [Fact]
    public async Task Presence_changes_are_timed_and_the_floor_shows_the_time_in_state()
    {
        await Api.Put("/api/agents/a-2001", Agent("2001", "张敏", [Plaza], []));
        var available = await Api.Put("/api/agents/a-2001/presence", new { presence = "Available" });
        Assert.Equal(("Available", Start, "00:00:00"), Presence(available));

        Clock.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal(("Available", Start, "00:07:00"), Presence(await Api.Get("/api/agents/a-2001")));

        // Setting the presence the agent is in changes nothing: the time keeps running.
        Assert.Equal(("Available", Start, "00:07:00"), Presence(await Api.Put("/api/agents/a-2001/presence", new { presence = "Available" })));

        var onBreak = await Api.Put("/api/agents/a-2001/presence", new { presence = "Break" });
        Assert.Equal(("Break", Start.AddMinutes(7), "00:00:00"), Presence(onBreak));
        Clock.Advance(TimeSpan.FromSeconds(210));
        Assert.Equal(("Break", Start.AddMinutes(7), "00:03:30"), Presence(await Api.Get("/api/agents/a-2001")));
        var row = (await Api.Get($"/api/projects/{Plaza}/agents")).EnumerateArray().Single();
        Assert.Equal(("Break", Start.AddMinutes(7), "00:03:30", false), (Presence(row).Item1, Presence(row).Item2, Presence(row).Item3, row.GetProperty("overBreakLimit").GetBoolean()));

        await Eventually.Until(() => Published.Of<AgentPresenceChanged>().Count == 2, "two presence changes published");
        Assert.Equal(
            [("Offline", "Available", Start, Start), ("Available", "Break", Start, Start.AddMinutes(7))],
            Published.Of<AgentPresenceChanged>().Where(e => e.AgentId == "a-2001").Select(e => (e.From, e.To, e.PreviousStateSince, e.OccurredAt)));
    }

    [Fact]
    public async Task A_break_longer_than_the_project_limit_is_flagged_on_the_floor()
    {
        await Api.Put("/api/agents/a-2001", Agent("2001", "张敏", [Plaza], []));
        await Api.Put("/api/agents/a-2001/presence", new { presence = "Break" });

        Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.False((await Api.Get("/api/agents/a-2001")).GetProperty("overBreakLimit").GetBoolean());

        Clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.Until(async () => (await Api.Get("/api/agents/a-2001")).GetProperty("overBreakLimit").GetBoolean(), "the break flagged");
        await Eventually.Until(() => Published.Of<AgentBreakLimitExceeded>().Count > 0, "the supervisor alerted");
        var alert = Assert.Single(Published.Of<AgentBreakLimitExceeded>());
        Assert.Equal(("a-2001", "2001", Start, TimeSpan.FromMinutes(15)), (alert.AgentId, alert.WorkNumber, alert.OnBreakSince, alert.Limit));
        Assert.Equal("00:16:00", (await Api.Get("/api/agents/a-2001")).GetProperty("timeInState").GetString());
    }

    [Fact]
    public async Task An_agent_going_on_leave_hands_open_tickets_to_the_delegate()
    {
        await Api.Put("/api/agents/a-1001", Agent("1001", "张敏", [Plaza], []));
        await Api.Put("/api/agents/a-1002", Agent("1002", "李强", [Plaza], []));
        await Api.Put("/api/agents/a-1001/presence", new { presence = "Available" });
        await Api.Put("/api/agents/a-1002/presence", new { presence = "Available" });
        var complaint = await Api.Intake(Plaza, Complaint(c => c["receivingAgent"] = "a-1001"));
        var inquiry = await Api.Intake(Plaza, Complaint(c => (c["kind"], c["receivingAgent"]) = ("Inquiry", "a-1001")));
        var answered = await Api.Intake(Plaza, Complaint(c => (c["kind"], c["receivingAgent"], c["answeredOnCall"]) = ("Inquiry", "a-1001", true)));
        Assert.Equal(("Received", "AwaitingAnswer", "Closed"), (Status(complaint), Status(inquiry), Status(answered)));
        string[] open = [Id(complaint), Id(inquiry)];
        await Eventually.Until(async () => OpenTickets(await Api.Get("/api/agents/a-1001")).Count == 2, "a-1001 holds the two open tickets");

        var withDelegate = await Api.Put("/api/agents/a-1001/delegate", new { @delegate = "a-1002" });
        Assert.Equal("a-1002", withDelegate.GetProperty("delegate").GetString());
        Assert.Equal(open.Order(StringComparer.Ordinal), OpenTickets(withDelegate).Select(t => t.Id).Order(StringComparer.Ordinal));

        Clock.Advance(TimeSpan.FromMinutes(5));
        var onLeave = await Api.Put("/api/agents/a-1001/presence", new { presence = "Leave" });

        Assert.Equal(("Leave", Start.AddMinutes(5)), (onLeave.GetProperty("presence").GetString(), onLeave.GetProperty("since").GetDateTimeOffset()));
        Assert.Empty(OpenTickets(onLeave));
        await Eventually.Until(async () => OpenTickets(await Api.Get("/api/agents/a-1002")).Count == 2, "a-1002 holds the handed-over tickets");
        Assert.Equal(
            [(Id(complaint), "GC-20260302-0001"), (Id(inquiry), "GC-20260302-0002")],
            OpenTickets(await Api.Get("/api/agents/a-1002")));
        foreach (var id in open)
        {
            var ticket = await Api.Ticket(id);
            Assert.Equal("a-1002", ticket.GetProperty("agent").GetString());
            var handedOver = ticket.GetProperty("timeline").EnumerateArray().Last();
            Assert.Equal(("Reassigned", Start.AddMinutes(5)), (handedOver.GetProperty("what").GetString(), handedOver.GetProperty("at").GetDateTimeOffset()));
            Assert.Equal("a-1001/ → a-1002/: On leave: handed over to the delegate (代办人) a-1002", handedOver.GetProperty("detail").GetString());
            var reassigned = await WaitFor<TicketReassigned>(id);
            Assert.Equal(("a-1001", "a-1002"), (reassigned.FromAgent, reassigned.ToAgent));
        }

        // The ticket closed on the call stays where it was: it was never open.
        Assert.Equal("a-1001", (await Api.Ticket(Id(answered))).GetProperty("agent").GetString());
        Assert.Empty(OpenTickets(await Api.Get("/api/agents/a-1001")));
    }

    [Fact]
    public async Task Naming_a_delegate_for_an_agent_already_on_leave_hands_the_tickets_over_at_once()
    {
        await Api.Put("/api/agents/a-1001", Agent("1001", "张敏", [Plaza], []));
        await Api.Put("/api/agents/a-1002", Agent("1002", "李强", [Plaza], []));
        await Api.Put("/api/agents/a-1002/presence", new { presence = "Available" });
        var complaint = await Api.Intake(Plaza, Complaint(c => c["receivingAgent"] = "a-1001"));
        await Eventually.Until(async () => OpenTickets(await Api.Get("/api/agents/a-1001")).Count == 1, "a-1001 holds the ticket");
        await Api.Put("/api/agents/a-1001/presence", new { presence = "Leave" });
        Assert.Single(OpenTickets(await Api.Get("/api/agents/a-1001"))); // no delegate yet: it waits for the supervisor

        await Api.Put("/api/agents/a-1001/delegate", new { @delegate = "a-1002" });

        await Eventually.Until(async () => (await Api.Ticket(Id(complaint))).GetProperty("agent").GetString() == "a-1002", "the ticket moved to a-1002");
        await Eventually.Until(async () => OpenTickets(await Api.Get("/api/agents/a-1002")).Count == 1, "a-1002 holds the ticket");
        Assert.Equal([(Id(complaint), "GC-20260302-0001")], OpenTickets(await Api.Get("/api/agents/a-1002")));
    }

    [Fact]
    public async Task A_customer_is_recorded_read_back_and_replaced()
    {
        var recorded = await Api.Put("/api/customers/c-wang", Customer("王", "王建国", "Mr", ["13812345678", "04715551234"], Plaza, "B"));

        Assert.Equal(
            ("c-wang", "王", "王建国", "Mr", "王先生", "3-2-1201", Plaza, "B", 0),
            (recorded.GetProperty("id").GetString(), recorded.GetProperty("surname").GetString(), recorded.GetProperty("fullName").GetString(),
                recorded.GetProperty("honorific").GetString(), recorded.GetProperty("formOfAddress").GetString(), recorded.GetProperty("unitNumber").GetString(),
                recorded.GetProperty("projectId").GetString(), recorded.GetProperty("tier").GetString(), recorded.GetProperty("tickets").GetArrayLength()));
        Assert.Equal(["13812345678", "04715551234"], Strings(recorded.GetProperty("phones")));
        // Tier B: account manager, department manager and division head call back; the president does not (SPEC §6).
        Assert.Equal(["AccountManager", "DepartmentManager", "DivisionHead"], Roles(recorded));
        Assert.Equal(recorded.GetRawText(), (await Api.Get("/api/customers/c-wang")).GetRawText());

        var replaced = await Api.Put("/api/customers/c-wang", Customer("王", null, "Ms", ["13812345678"], Plaza, "A"));

        Assert.Equal(("王女士", JsonValueKind.Null, "A"),
            (replaced.GetProperty("formOfAddress").GetString(), replaced.GetProperty("fullName").ValueKind, replaced.GetProperty("tier").GetString()));
        Assert.Equal(["13812345678"], Strings(replaced.GetProperty("phones")));
        Assert.Equal(["AccountManager", "DepartmentManager", "DivisionHead", "President"], Roles(replaced));
        Assert.Equal(replaced.GetRawText(), (await Api.Get("/api/customers/c-wang")).GetRawText());
    }

    [Fact]
    public async Task An_intake_for_a_customer_goes_into_their_history_and_the_directory_finds_them_by_phone()
    {
        await Api.Put("/api/customers/c-wang", Customer("王", "王建国", "Mr", ["13812345678", "04715551234"], Plaza, "B"));
        await Api.Put("/api/customers/c-zhao", Customer("赵", null, "Ms", ["13700000000"], Plaza, "C"));
        Clock.Advance(TimeSpan.FromMinutes(3));

        var ticket = await Api.Intake(Plaza, Complaint(c => c["customerId"] = "c-wang"));

        Assert.Equal("c-wang", ticket.GetProperty("customer").GetProperty("id").GetString());
        JsonElement customer = default;
        await Eventually.Until(async () => (customer = await Api.Get("/api/customers/c-wang")).GetProperty("tickets").GetArrayLength() == 1,
            "the ticket in the customer's history");
        var entry = customer.GetProperty("tickets")[0];
        Assert.Equal((Id(ticket), "GC-20260302-0001", "Complaint", Start.AddMinutes(3)),
            (entry.GetProperty("ticketId").GetString(), entry.GetProperty("ticketNumber").GetString(), entry.GetProperty("kind").GetString(),
                entry.GetProperty("receivedAt").GetDateTimeOffset()));
        Assert.Equal(0, (await Api.Get("/api/customers/c-zhao")).GetProperty("tickets").GetArrayLength());

        JsonElement found = default;
        await Eventually.Until(async () => (found = await Api.Get($"/api/projects/{Plaza}/customers?phone=13812345678")).EnumerateArray()
            .Any(c => c.GetProperty("tickets").GetInt32() == 1), "the directory counts the ticket");
        var row = Assert.Single(found.EnumerateArray());
        Assert.Equal(("c-wang", "王先生", "王建国", "3-2-1201", "13812345678", "B", 1, Start.AddMinutes(3)),
            (row.GetProperty("id").GetString(), row.GetProperty("formOfAddress").GetString(), row.GetProperty("fullName").GetString(),
                row.GetProperty("unitNumber").GetString(), row.GetProperty("primaryPhone").GetString(), row.GetProperty("tier").GetString(),
                row.GetProperty("tickets").GetInt32(), row.GetProperty("lastTicketAt").GetDateTimeOffset()));
        Assert.Equal(["c-zhao"], Ids(await Api.Get($"/api/projects/{Plaza}/customers?phone=13700000000")));
        Assert.Empty(Ids(await Api.Get($"/api/projects/{Plaza}/customers?phone=13900000000")));
        Assert.Empty(Ids(await Api.Get($"/api/projects/{Garden}/customers?phone=13812345678")));
        // Last contact first.
        Assert.Equal(["c-wang", "c-zhao"], Ids(await Api.Get($"/api/projects/{Plaza}/customers")));
    }

    [Fact]
    public async Task An_intake_naming_a_customer_of_another_project_is_refused_naming_customerId()
    {
        await Api.Put("/api/customers/c-li", Customer("李", "李娜", "Ms", ["13900001111"], Garden, "C"));

        using var response = await Api.Send(HttpMethod.Post, $"/api/projects/{Plaza}/tickets", Complaint(c => c["customerId"] = "c-li"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("customerId", problem.GetProperty("field").GetString());
        Assert.Equal(["No customer with this id in this project."], Strings(problem.GetProperty("errors").GetProperty("customerId")));
        Assert.Equal(0, (await Api.Get($"/api/projects/{Plaza}/tickets")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await Api.Get("/api/customers/c-li")).GetProperty("tickets").GetArrayLength());

        // The same customer in their own project is taken.
        var ticket = await Api.Intake(Garden, Complaint(c => c["customerId"] = "c-li"));
        Assert.Equal("c-li", ticket.GetProperty("customer").GetProperty("id").GetString());
    }

    private static object Agent(string workNumber, string name, string[] projects, string[] departments) =>
        new { workNumber, name, projects, departments };

    private static object Customer(string surname, string? fullName, string honorific, string[] phones, string projectId, string tier) =>
        new { surname, fullName, honorific, unitNumber = "3-2-1201", phones, projectId, tier };

    private static (string?, DateTimeOffset, string?) Presence(JsonElement agent) =>
        (agent.GetProperty("presence").GetString(), agent.GetProperty("since").GetDateTimeOffset(), TimeInState(agent));

    /// <summary>The floor row carries no time in state (it would be stale); the agent view does.</summary>
    private static string? TimeInState(JsonElement agent) =>
        agent.TryGetProperty("timeInState", out var time) ? time.GetString() : null;

    private static List<(string?, string?, string?)> Floor(JsonElement agents) =>
        [.. agents.EnumerateArray().Select(a => (a.GetProperty("id").GetString(), a.GetProperty("workNumber").GetString(), a.GetProperty("presence").GetString()))];

    private static List<(string Id, string Number)> OpenTickets(JsonElement agent) =>
        [.. agent.GetProperty("openTickets").EnumerateArray().Select(t => (t.GetProperty("ticketId").GetString()!, t.GetProperty("ticketNumber").GetString()!))];

    private static List<string> Roles(JsonElement customer) =>
        [.. customer.GetProperty("nextCallbacks").EnumerateArray().Select(c => c.GetProperty("role").GetString()!).Order(StringComparer.Ordinal)];

    private static List<string> Ids(JsonElement rows) => [.. rows.EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
