using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests.Tickets;

/// <summary>
/// An <c>Idempotency-Key</c> makes a retried intake return the first ticket. Keys belong to the
/// caller who sent them (IETF draft "The Idempotency-Key HTTP Header Field"): another caller's
/// key records another ticket, and the same key sent again with a different form is refused.
/// </summary>
public sealed class IdempotencyKeyTests() : ClockedGateway("Sqlite")
{
    private const string Plaza = "weibang-plaza";
    private const string Key = "intake-2026-03-02-0001";

    [Fact]
    public async Task Two_callers_using_the_same_key_each_get_their_own_ticket()
    {
        using var first = await Intake("agent-gc-1", SampleIntake.Complaint("agent-gc-1", "地下车库B区照明灯坏了三盏。"));
        using var second = await Intake("agent-gc-2", SampleIntake.Complaint("agent-gc-2", "3号楼电梯异响。"));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        var (one, two) = (await Read(first), await Read(second));
        Assert.NotEqual(Id(one), Id(two));
        Assert.Equal("地下车库B区照明灯坏了三盏。", (await Api.Ticket(Id(one))).GetProperty("content").GetString());
        Assert.Equal("3号楼电梯异响。", (await Api.Ticket(Id(two))).GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_retry_with_the_same_key_and_the_same_form_returns_the_first_ticket()
    {
        using var first = await Intake("agent-gc-1", SampleIntake.Complaint("agent-gc-1"));
        using var retry = await Intake("agent-gc-1", SampleIntake.Complaint("agent-gc-1"));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        var (one, again) = (await Read(first), await Read(retry));
        Assert.Equal((Id(one), "GC-20260302-0001"), (Id(again), again.GetProperty("number").GetString()));
    }

    [Fact]
    public async Task The_same_key_sent_again_with_a_different_form_is_refused_and_the_first_ticket_stays_as_it_was()
    {
        using var first = await Intake("agent-gc-1", SampleIntake.Complaint("agent-gc-1", "地下车库B区照明灯坏了三盏。"));
        using var reused = await Intake("agent-gc-1", SampleIntake.Complaint("agent-gc-1", "3号楼电梯异响。"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var text = await reused.Content.ReadAsStringAsync();
        Assert.True(reused.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)reused.StatusCode}: {text}");
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), text);
        var ticket = await Api.Ticket(Id(await Read(first)));
        Assert.Equal(("地下车库B区照明灯坏了三盏。", 2), (ticket.GetProperty("content").GetString(), ticket.GetProperty("timeline").GetArrayLength()));
    }

    /// <summary>An intake by <paramref name="user"/>, a Plaza agent as the demo issues them, with <see cref="Key"/>.</summary>
    private async Task<HttpResponseMessage> Intake(string user, Dictionary<string, object?> intake)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{Plaza}/tickets") { Content = JsonContent.Create(intake) };
        request.Headers.Authorization = new("Bearer", Factory.TokenFor(user, [Roles.Agent], [Plaza], []));
        request.Headers.Add("Idempotency-Key", Key);
        return await Api.Client.SendAsync(request);
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
