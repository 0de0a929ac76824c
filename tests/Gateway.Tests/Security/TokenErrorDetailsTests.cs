using System.Net;
using System.Net.Http.Headers;
using HotlineGrains.Gateway.Security;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// Why a token was refused (expired, signed with another key) helps a developer and a forger
/// alike: <c>WWW-Authenticate</c> says it only in Development.
/// </summary>
public sealed class TokenErrorDetailsTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public Task Outside_Development_a_refused_token_gets_a_bare_Bearer_challenge(string environment) =>
        GatewayFactory.Run(gateway => Configure(gateway, environment), async gateway =>
        {
            foreach (var token in RefusedTokens(gateway))
            {
                var challenge = await Challenge(gateway, token);

                Assert.Equal("Bearer", challenge);
            }
        });

    [Fact]
    public Task In_Development_a_refused_token_is_explained() =>
        GatewayFactory.Run(gateway => Configure(gateway, "Development"), async gateway =>
        {
            foreach (var token in RefusedTokens(gateway))
            {
                var challenge = await Challenge(gateway, token);

                Assert.StartsWith("Bearer error=\"invalid_token\"", challenge, StringComparison.Ordinal);
                Assert.Contains("error_description=", challenge, StringComparison.Ordinal);
            }
        });

    private static void Configure(GatewayFactory gateway, string environment)
    {
        gateway.Environment = environment;
        gateway.Demo = false;
        gateway.WithSigningKey = true;
        // Development turns demo on (appsettings.Development.json); its floor and switch are not needed here.
        gateway.Settings["Demo:Floor"] = "false";
        gateway.Settings["Demo:CallSimulator"] = "false";
    }

    /// <summary>A token that has expired, and one signed with a key the gateway does not trust.</summary>
    private static IEnumerable<string> RefusedTokens(GatewayFactory gateway)
    {
        yield return gateway.TokenFor("agent-gc-1", [Roles.Agent], lifetime: TimeSpan.FromHours(-1));
        var foreign = Options.Create(new AuthOptions { SigningKey = "some-other-issuers-key-0123456789abcdef" });
        yield return new TokenIssuer(foreign, TimeProvider.System).Issue("agent-gc-1", [Roles.Agent], ["weibang-plaza"], lifetime: TimeSpan.FromHours(1));
    }

    private static async Task<string> Challenge(GatewayFactory gateway, string token)
    {
        using var client = gateway.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/projects");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return response.Headers.WwwAuthenticate.ToString();
    }
}
