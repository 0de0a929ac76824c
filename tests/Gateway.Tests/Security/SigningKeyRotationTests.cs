using System.Net;
using System.Net.Http.Headers;
using HotlineGrains.Gateway.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// Rotating the signing key without logging everyone out: the identity provider moves to a new
/// key while the gateways, given the new key and the old one under Auth:PreviousSigningKeys,
/// accept tokens of both; once the old tokens have expired the old key is dropped, and with it
/// every token it signed.
/// </summary>
public sealed class SigningKeyRotationTests
{
    private const string OldKey = "the-hotline-signing-key-of-last-year-0123456789";
    private const string NewKey = "the-hotline-signing-key-of-this-year-9876543210";

    [Fact]
    public Task During_a_rotation_tokens_signed_with_the_new_key_and_the_previous_one_are_both_accepted() =>
        GatewayFactory.Run(Rotating(previous: [OldKey]), async gateway =>
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (await Read(gateway, SignedWith(OldKey)), await Read(gateway, SignedWith(NewKey))));

            // The gateway itself signs with the new key only.
            var issued = gateway.Services.GetRequiredService<TokenIssuer>().Issue("supervisor-gc", [Roles.Supervisor], ["weibang-plaza"]);
            Assert.Equal(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(SignedWith(NewKey)).Kid, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(issued).Kid);
        });

    [Fact]
    public Task After_the_rotation_a_token_signed_with_the_old_key_is_refused() =>
        GatewayFactory.Run(Rotating(previous: []), async gateway =>
        {
            Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (await Read(gateway, SignedWith(OldKey)), await Read(gateway, SignedWith(NewKey))));
        });

    [Theory]
    [InlineData("too-short-a-key")]
    [InlineData(NewKey)]
    public async Task A_previous_key_that_is_short_or_the_current_one_stops_the_gateway_naming_the_setting(string previous)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayFactory.Run(Rotating(previous: [previous]), _ => Task.CompletedTask));

        Assert.Contains("Auth:PreviousSigningKeys:0", refused.Message, StringComparison.Ordinal);
    }

    private static Action<GatewayFactory> Rotating(string[] previous) => gateway =>
    {
        gateway.Demo = false;
        gateway.Settings["Auth:SigningKey"] = NewKey;
        for (var i = 0; i < previous.Length; i++)
        {
            gateway.Settings[$"Auth:PreviousSigningKeys:{i}"] = previous[i];
        }
    };

    /// <summary>A supervisor's token as the identity provider would sign it with <paramref name="key"/>.</summary>
    private static string SignedWith(string key) =>
        new TokenIssuer(Options.Create(new AuthOptions { SigningKey = key }), TimeProvider.System)
            .Issue("supervisor-gc", [Roles.Supervisor], ["weibang-plaza"], lifetime: TimeSpan.FromHours(1));

    private static async Task<HttpStatusCode> Read(GatewayFactory gateway, string token)
    {
        using var client = gateway.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/projects");
        return response.StatusCode;
    }
}
