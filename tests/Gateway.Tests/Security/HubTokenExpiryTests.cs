using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// A token is checked when a hub connection opens; the connection ends when the token does, by the
/// gateway's clock. This gateway's clock stands still months behind the wall clock.
/// </summary>
public sealed class HubTokenExpiryTests() : ClockedGateway("Sqlite")
{
    private const string Plaza = "weibang-plaza";

    [Fact]
    public async Task A_hub_connection_closes_when_its_token_expires_and_one_with_a_longer_token_stays()
    {
        // A day by the gateway's clock, long past by the wall clock: it must stay open all the same.
        await using var lasting = await Connect(Factory.TokenFor("wallboard-1", [Roles.Display], [Plaza], [], TimeSpan.FromDays(1)));
        await lasting.InvokeAsync("Join", Plaza);

        await using var brief = await Connect(Factory.TokenFor("wallboard-2", [Roles.Display], [Plaza], [], TimeSpan.FromSeconds(3)));
        await brief.InvokeAsync("Join", Plaza);

        // SignalR looks for expired connections once a second against the wall clock, not the
        // gateway's TimeProvider, so this waits for a real expiry: a few seconds, with a deadline.
        await brief.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Plaza, Assert.Single((await lasting.InvokeAsync("Join", Plaza)).EnumerateArray()).GetProperty("projectId").GetString());
    }

    private Task<HubClient> Connect(string token) => Factory.ConnectToHubAsync(token);
}
