using System.Net;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// The README sends newcomers to the Swagger UI: its page and the document it reads need no token.
/// In Production neither is there unless <c>Api:Explorer</c> says so, and a setting that is not
/// understood stops the gateway rather than being ignored.
/// </summary>
public sealed class ApiExplorerTests : CallerGateway
{
    [Theory]
    [InlineData("/swagger/index.html", "text/html")]
    [InlineData("/openapi/v1.json", "application/json")]
    public async Task The_API_explorer_is_served_without_a_token(string path, string mediaType)
    {
        using var withoutToken = Factory.CreateAnonymousClient();

        using var response = await withoutToken.GetAsync(path);

        Assert.Equal((HttpStatusCode.OK, mediaType), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.Unauthorized, (await withoutToken.GetAsync("/api/projects")).StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("false", HttpStatusCode.Unauthorized)]
    [InlineData("true", HttpStatusCode.OK)]
    public Task In_Production_the_document_and_the_Swagger_page_are_served_only_when_Api_Explorer_says_so(string? explorer, HttpStatusCode expected) =>
        GatewayFactory.Run(
            gateway =>
            {
                gateway.Environment = "Production";
                gateway.Demo = false;
                gateway.WithSigningKey = true;
                if (explorer is not null)
                {
                    gateway.Settings["Api:Explorer"] = explorer;
                }
            },
            async gateway =>
            {
                using var stranger = gateway.CreateAnonymousClient();

                using var document = await stranger.GetAsync("/openapi/v1.json");
                using var page = await stranger.GetAsync("/swagger/index.html");

                Assert.Equal((expected, expected), (document.StatusCode, page.StatusCode));
            });

    [Theory]
    [InlineData("Api:Explorer", "yes", "Api:Explorer")]
    [InlineData("Api:Explorr", "true", "Explorr")]
    public async Task An_Api_setting_that_is_not_understood_stops_the_gateway_naming_it(string key, string value, string named)
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => GatewayFactory.Run(gateway => gateway.Settings[key] = value, _ => Task.CompletedTask));

        Assert.Contains(named, refused.ToString(), StringComparison.Ordinal);
    }
}
