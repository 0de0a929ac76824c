using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Agents;

/// <summary>
/// A delegate (代办人) takes an absent agent's open tickets over, so it must be a registered agent
/// serving every project the agent answers for: otherwise a leave would hand tickets to someone who
/// cannot even open them.
/// </summary>
public sealed class DelegateTests() : ClockedGateway("Sqlite")
{
    private const string Plaza = "weibang-plaza";
    private const string Garden = "weibang-olympic-garden";

    [Fact]
    public async Task An_agent_cannot_name_a_delegate_of_another_project_and_keeps_the_delegate_they_had()
    {
        await RegisterAgents();

        using var response = await SetDelegate("agent-gc-1", "agent-al-1");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty("delegate", out _), text);
        Assert.Equal(JsonValueKind.Null, (await Api.Get("/api/agents/agent-gc-1")).GetProperty("delegate").ValueKind);
    }

    [Fact]
    public async Task An_agent_may_name_a_delegate_who_serves_their_project_among_others()
    {
        await RegisterAgents();

        using var response = await SetDelegate("agent-gc-1", "agent-both");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("agent-both", JsonDocument.Parse(text).RootElement.GetProperty("delegate").GetString());
    }

    [Fact]
    public async Task An_agent_of_two_projects_cannot_name_a_delegate_who_serves_only_one_of_them()
    {
        await RegisterAgents();

        using var response = await SetDelegate("agent-both", "agent-gc-1", "agent-both", [Plaza, Garden]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await Api.Get("/api/agents/agent-both")).GetProperty("delegate").ValueKind);
    }

    [Fact]
    public async Task A_delegate_who_no_longer_serves_the_project_takes_nothing_over_when_the_agent_goes_on_leave()
    {
        await RegisterAgents();
        await Api.Put("/api/agents/agent-gc-1/presence", new { presence = "Available" });
        await Api.Put("/api/agents/agent-gc-2/presence", new { presence = "Available" });
        using (var named = await SetDelegate("agent-gc-1", "agent-gc-2"))
        {
            Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        }

        var ticket = await Api.Intake(Plaza, Complaint(c => c["receivingAgent"] = "agent-gc-1"));
        await Eventually.Until(async () => (await Api.Get("/api/agents/agent-gc-1")).GetProperty("openTickets").GetArrayLength() == 1,
            "agent-gc-1 holds the ticket");

        // The delegate moves to another project after being named.
        await Api.Put("/api/agents/agent-gc-2", Agent("GC02", [Garden]));
        var onLeave = await Api.Put("/api/agents/agent-gc-1/presence", new { presence = "Leave" });

        Assert.Equal(Id(ticket), Assert.Single(onLeave.GetProperty("openTickets").EnumerateArray()).GetProperty("ticketId").GetString());
        Assert.Equal("agent-gc-1", (await Api.Ticket(Id(ticket))).GetProperty("agent").GetString());
    }

    [Fact]
    public async Task A_hand_over_caused_by_a_supervisor_is_recorded_in_the_timeline_as_the_supervisors()
    {
        await RegisterAgents();
        await Api.Put("/api/agents/agent-gc-1/presence", new { presence = "Available" });
        await Api.Put("/api/agents/agent-gc-2/presence", new { presence = "Available" });
        await Api.Put("/api/agents/agent-gc-1/delegate", new { @delegate = "agent-gc-2" });
        var ticket = await Api.Intake(Plaza, Complaint(c => c["receivingAgent"] = "agent-gc-1"));
        await Eventually.Until(async () => (await Api.Get("/api/agents/agent-gc-1")).GetProperty("openTickets").GetArrayLength() == 1,
            "agent-gc-1 holds the ticket");

        await Api.Put("/api/agents/agent-gc-1/presence", new { presence = "Leave" }, user: "supervisor-gc");

        await Eventually.Until(async () => (await Api.Ticket(Id(ticket))).GetProperty("agent").GetString() == "agent-gc-2", "the ticket moved to the delegate");
        var handedOver = (await Api.Ticket(Id(ticket))).GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("Reassigned", "supervisor-gc"), (handedOver.GetProperty("what").GetString(), handedOver.GetProperty("actor").GetString()));
    }

    private async Task RegisterAgents()
    {
        await Api.Put("/api/agents/agent-gc-1", Agent("GC01", [Plaza]));
        await Api.Put("/api/agents/agent-gc-2", Agent("GC02", [Plaza]));
        await Api.Put("/api/agents/agent-al-1", Agent("AL01", [Garden]));
        await Api.Put("/api/agents/agent-both", Agent("B01", [Garden, Plaza]));
    }

    private static object Agent(string workNumber, string[] projects) =>
        new { workNumber, name = "张敏", projects, departments = Array.Empty<string>() };

    /// <summary>The agent naming their own delegate, with the claims the demo gives a Plaza agent.</summary>
    private async Task<HttpResponseMessage> SetDelegate(string agentId, string delegateId, string? user = null, string[]? projects = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/agents/{agentId}/delegate") { Content = JsonContent.Create(new { @delegate = delegateId }) };
        request.Headers.Authorization = new("Bearer", Factory.TokenFor(user ?? agentId, [Roles.Agent], projects ?? [Plaza], []));
        return await Api.Client.SendAsync(request);
    }
}
