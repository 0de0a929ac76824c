using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// What ships hands out no demo tokens: demo runs in Development (as <c>dotnet run</c> starts the
/// gateway) without any setting, nowhere else unless set, and the gateway refuses it where its
/// admin tokens would be dangerous.
/// </summary>
public sealed class DemoDefaultsTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public Task Demo_tokens_are_not_served_outside_Development(string environment) =>
        GatewayFactory.Run(gateway => Quiet(gateway, environment, ownKey: true), async gateway =>
        {
            using var stranger = gateway.CreateAnonymousClient();

            using var tokens = await stranger.PostAsJsonAsync("/demo/tokens", new { user = "admin" });
            using var users = await stranger.GetAsync("/demo/users");

            Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (tokens.StatusCode, users.StatusCode));
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task In_Development_demo_runs_without_any_setting_and_may_share_a_signing_key_between_nodes(bool ownKey) =>
        GatewayFactory.Run(gateway => Quiet(gateway, "Development", ownKey), async gateway =>
        {
            using var stranger = gateway.CreateAnonymousClient();

            using var answer = await stranger.PostAsJsonAsync("/demo/tokens", new { user = "agent-gc-1" });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var token = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();

            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/projects");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var projects = await stranger.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, projects.StatusCode);
        });

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Production", true)]
    [InlineData("Staging", true)]
    [InlineData("Testing", true)]
    public async Task Demo_set_where_its_tokens_would_be_dangerous_stops_the_gateway_naming_the_setting(string environment, bool ownKey)
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => GatewayFactory.Run(
            gateway =>
            {
                gateway.Environment = environment;
                gateway.WithSigningKey = ownKey;
            },
            _ => Task.CompletedTask));

        var message = refused.ToString();
        Assert.Contains("Demo:Enabled is true", message, StringComparison.Ordinal);
        Assert.Contains(ownKey && environment != "Production" ? "Auth:SigningKey" : "Production", message, StringComparison.Ordinal);
    }

    /// <summary>No demo setting from the test: the environment's appsettings decide; the demo floor and switch stay still.</summary>
    private static void Quiet(GatewayFactory gateway, string environment, bool ownKey)
    {
        gateway.Environment = environment;
        gateway.Demo = false;
        gateway.WithSigningKey = ownKey;
        gateway.Settings["Demo:Floor"] = "false";
        gateway.Settings["Demo:CallSimulator"] = "false";
    }
}
