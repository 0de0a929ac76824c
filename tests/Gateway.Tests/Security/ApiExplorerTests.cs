using System.Net;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>The README sends newcomers to the Swagger UI: its page and the document it reads need no token.</summary>
public sealed class ApiExplorerTests : CallerGateway
{
    [Theory]
    [InlineData("/swagger/index.html", "text/html")]
    [InlineData("/openapi/v1.json", "application/json")]
    public async Task The_API_explorer_is_served_without_a_token(string path, string mediaType)
    {
        using var withoutToken = new HttpClient(Factory.Server.CreateHandler()) { BaseAddress = Factory.Server.BaseAddress };

        using var response = await withoutToken.GetAsync(path);

        Assert.Equal((HttpStatusCode.OK, mediaType), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.Unauthorized, (await withoutToken.GetAsync("/api/projects")).StatusCode);
    }
}
