using System.Net;
using System.Net.Http.Headers;
using HotlineGrains.Gateway.Security;

namespace HotlineGrains.Gateway.Tests.Operations;

/// <summary>The Orleans dashboard at /dashboard: admins only, and reachable from a browser that cannot send a header.</summary>
public sealed class DashboardTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Nobody_without_a_token_sees_the_dashboard_and_a_supervisor_is_refused()
    {
        using var client = gateway.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = null;

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dashboard/")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gateway.TokenFor("supervisor-gc", [Roles.Supervisor]));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/dashboard/?access_token={gateway.TokenFor("supervisor-gc", [Roles.Supervisor])}")).StatusCode);
    }

    [Fact]
    public async Task An_admin_opens_it_once_with_a_token_in_the_address_and_then_through_a_cookie_only_the_dashboard_receives()
    {
        using var client = gateway.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = null;
        var admin = gateway.TokenFor("admin", [Roles.Admin]);

        using var handoff = await client.GetAsync($"/dashboard/?access_token={admin}");

        Assert.Equal(HttpStatusCode.Redirect, handoff.StatusCode);
        Assert.Equal("/dashboard/", handoff.Headers.Location?.OriginalString);
        var cookie = Assert.Single(handoff.Headers.GetValues("Set-Cookie"));
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        page.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var shown = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("Orleans Dashboard", await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The cookie opens nothing else: the API still wants a bearer token.
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/projects");
        api.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(api)).StatusCode);
    }
}
