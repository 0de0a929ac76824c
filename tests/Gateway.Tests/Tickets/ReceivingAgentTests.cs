using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Tickets;

/// <summary>
/// The receiving agent (接待人) on the intake form decides whose open list a ticket lands on, so it
/// must be an agent of the ticket's project, or the caller recording it; and the timeline records
/// who recorded the ticket from the token, whatever the form names.
/// </summary>
public sealed class ReceivingAgentTests() : ClockedGateway("Sqlite")
{
    private const string Plaza = "weibang-plaza";
    private const string Garden = "weibang-olympic-garden";

    /// <summary>A Plaza agent recording a ticket with only the claims the demo gives them.</summary>
    private const string PlazaAgent = "agent-gc-1";

    [Theory]
    [InlineData("agent-al-1")] // an agent of another project
    [InlineData("admin")] // a user who is no agent at all
    [InlineData("agent-nobody")] // nobody
    public async Task An_intake_naming_a_receiving_agent_who_does_not_serve_the_project_is_refused_and_records_nothing(string receivingAgent)
    {
        await RegisterAgents();

        using var response = await Intake(Complaint(c => c["receivingAgent"] = receivingAgent));

        await ExpectProblem(response, "receivingAgent");

        // Nothing was recorded: the project handed out no number, so the next ticket gets the first.
        using var next = await Intake(Complaint(c => c["receivingAgent"] = PlazaAgent));
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.Equal("GC-20260302-0001", (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
    }

    [Fact]
    public async Task An_intake_may_name_a_colleague_of_the_project_and_the_timeline_still_records_the_caller()
    {
        await RegisterAgents();

        using var response = await Intake(Complaint(c => c["receivingAgent"] = "agent-gc-2"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ticket = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("agent-gc-2", ticket.GetProperty("agent").GetString());
        Assert.All(ticket.GetProperty("timeline").EnumerateArray(), e => Assert.Equal(PlazaAgent, e.GetProperty("actor").GetString()));
        await Eventually.Until(async () => (await Api.Get("/api/agents/agent-gc-2")).GetProperty("openTickets").GetArrayLength() == 1,
            "the colleague holds the ticket");
    }

    [Fact]
    public async Task A_caller_who_is_no_registered_agent_may_record_a_ticket_as_themself()
    {
        // A supervisor taking a call is not on the agent register: the ticket is theirs.
        using var response = await Intake(Complaint(c => c["receivingAgent"] = "supervisor-gc"), "supervisor-gc", Roles.Supervisor);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ticket = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("supervisor-gc", ticket.GetProperty("agent").GetString());
    }

    private async Task RegisterAgents()
    {
        await Api.Put("/api/agents/agent-gc-1", new { workNumber = "GC01", name = "张敏", projects = new[] { Plaza }, departments = Array.Empty<string>() });
        await Api.Put("/api/agents/agent-gc-2", new { workNumber = "GC02", name = "李娜", projects = new[] { Plaza }, departments = Array.Empty<string>() });
        await Api.Put("/api/agents/agent-al-1", new { workNumber = "AL01", name = "赵磊", projects = new[] { Garden }, departments = Array.Empty<string>() });
    }

    private async Task<HttpResponseMessage> Intake(Dictionary<string, object?> intake, string user = PlazaAgent, string role = Roles.Agent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{Plaza}/tickets") { Content = JsonContent.Create(intake) };
        request.Headers.Authorization = new("Bearer", Factory.TokenFor(user, [role], [Plaza], []));
        return await Api.Client.SendAsync(request);
    }

    private static async Task ExpectProblem(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), text);
    }
}
