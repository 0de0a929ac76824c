using System.Text.Json;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Floor;

/// <summary>The wallboard hub: boards on joining, a new board on every change, and who may watch which project.</summary>
public sealed class WallboardHubTests() : ClockedGateway("Sqlite")
{
    private const string Plaza = "weibang-plaza";
    private const string Jining = "jining-shiji-jiayuan";

    protected override void Configure(GatewayFactory gateway) => gateway.Settings["Limits:ReadsPerMinute"] = "3";

    [Fact]
    public async Task A_wallboard_gets_the_board_on_joining_and_a_new_board_when_a_ticket_is_recorded()
    {
        await using var wallboard = await Connect(Token("wallboard", Roles.Display, HotlineClaims.AllProjects));
        var joined = await wallboard.InvokeAsync("Join", Plaza);
        var board = Assert.Single(joined.EnumerateArray());
        Assert.Equal((Plaza, "维邦广场", 0), (board.GetProperty("projectId").GetString(), board.GetProperty("name").GetString(), board.GetProperty("openTickets").GetArrayLength()));

        var ticket = await Api.Intake(Plaza, HotlineApi.Complaint());
        var number = ticket.GetProperty("number").GetString();

        var (changed, _) = await wallboard.NextAsync("Board", b => Tickets(b).Any(t => t.GetProperty("number").GetString() == number));
        var onBoard = Tickets(changed).Single();
        Assert.Equal(("Received", "Complaint", "General", "agent-1001"),
            (onBoard.GetProperty("status").GetString(), onBoard.GetProperty("kind").GetString(), onBoard.GetProperty("severity").GetString(), onBoard.GetProperty("agent").GetString()));
        Assert.Equal(ClockedGateway.Start.AddHours(2), onBoard.GetProperty("nextDueAt").GetDateTimeOffset());
        Assert.Equal("Running", onBoard.GetProperty("slaState").GetString());
    }

    [Fact]
    public async Task Joining_all_projects_gives_the_boards_of_the_callers_projects_only()
    {
        await using var supervisor = await Connect(Token("supervisor-2", Roles.Supervisor, Plaza, Jining));

        var boards = await supervisor.InvokeAsync("Join", "*");

        Assert.Equal([Jining, Plaza], boards.EnumerateArray().Select(b => b.GetProperty("projectId").GetString()));
    }

    [Fact]
    public async Task A_project_outside_the_callers_projects_cannot_be_joined_and_looks_missing()
    {
        await using var agent = await Connect(Token("agent-gc-1", Roles.Agent, Plaza));

        var outside = await Assert.ThrowsAsync<HubError>(() => agent.InvokeAsync("Join", Jining));
        var missing = await Assert.ThrowsAsync<HubError>(() => agent.InvokeAsync("Join", "no-such-project"));

        Assert.Equal(missing.Message.Replace("no-such-project", Jining, StringComparison.Ordinal), outside.Message);
    }

    [Theory]
    [InlineData(Roles.Integration)]
    [InlineData(null)]
    public async Task Only_people_of_the_floor_may_connect(string? role)
    {
        var client = Factory.Server.CreateWebSocketClient();
        var token = role is null ? string.Empty : "?access_token=" + Token("someone", role, Plaza);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri("ws://localhost/hubs/wallboard" + token), CancellationToken.None));

        Assert.Contains(role is null ? "401" : "403", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_board_shows_waiting_calls_and_an_agent_on_break_past_the_limit()
    {
        await Api.Put("/api/agents/agent-7", new { workNumber = "1007", name = "周洁", projects = new[] { Plaza }, departments = Array.Empty<string>() });
        await using var wallboard = await Connect(Token("wallboard", Roles.Display, HotlineClaims.AllProjects));
        await wallboard.InvokeAsync("Join", Plaza);

        using (var ringing = await Api.Send(HttpMethod.Post, $"/api/projects/{Plaza}/calls", new { callId = "c-1", @event = "Ringing", at = Now }, user: "switch"))
        {
            Assert.True(ringing.IsSuccessStatusCode);
        }

        var (withCall, _) = await wallboard.NextAsync("Board", b => b.GetProperty("calls").GetProperty("waiting").GetInt32() == 1);
        Assert.Equal((Now, 1), (withCall.GetProperty("calls").GetProperty("longestWaitingSince").GetDateTimeOffset(), withCall.GetProperty("calls").GetProperty("offeredToday").GetInt32()));

        await Api.Put("/api/agents/agent-7/presence", new { presence = "Break" }, user: "agent-7");
        Clock.Advance(TimeSpan.FromMinutes(16));
        var (overLimit, _) = await wallboard.NextAsync("Board", b => b.GetProperty("alerts").EnumerateArray().Any(a => a.GetProperty("kind").GetString() == "BreakLimit"));
        var agent = overLimit.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "agent-7");
        Assert.Equal(("Break", true), (agent.GetProperty("presence").GetString(), agent.GetProperty("overBreakLimit").GetBoolean()));
        Assert.Equal("agent-7", overLimit.GetProperty("alerts").EnumerateArray().Single(a => a.GetProperty("kind").GetString() == "BreakLimit").GetProperty("agentId").GetString());
    }

    [Fact]
    public async Task Joins_beyond_the_callers_limit_per_minute_are_refused_and_another_caller_still_joins()
    {
        await using var screen = await Connect(Token("wallboard", Roles.Display, HotlineClaims.AllProjects));
        for (var i = 0; i < 3; i++)
        {
            await screen.InvokeAsync("Join", Plaza);
        }

        var refused = await Assert.ThrowsAsync<HubError>(() => screen.InvokeAsync("Join", Plaza));
        Assert.Contains("Too many joins", refused.Message, StringComparison.Ordinal);

        await using var other = await Connect(Token("supervisor-gc", Roles.Supervisor, Plaza));
        await other.InvokeAsync("Join", Plaza);
    }

    private static IEnumerable<JsonElement> Tickets(JsonElement board) => board.GetProperty("openTickets").EnumerateArray();

    private string Token(string user, string role, params string[] projects) =>
        Factory.TokenFor(user, [role], projects, [], TimeSpan.FromDays(1));

    private Task<HubClient> Connect(string token) => Factory.ConnectToHubAsync(token);
}
