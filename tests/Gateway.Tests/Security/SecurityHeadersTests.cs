using System.Net;
using System.Net.Http.Headers;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>The pages and the handling form forbid inline script and framing; every answer forbids sniffing and referrers.</summary>
public sealed class SecurityHeadersTests : CallerGateway
{
    [Theory]
    [InlineData("/agent.html")]
    [InlineData("/supervisor.html")]
    [InlineData("/wallboard.html")]
    public async Task The_pages_allow_only_the_sites_own_scripts_and_styles_and_no_framing(string page)
    {
        using var response = await Client.GetAsync(page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertStrictPolicy(response);
    }

    [Fact]
    public async Task The_printable_handling_form_has_the_same_policy_and_no_inline_style()
    {
        var created = await Send(HttpMethod.Post, $"/api/projects/{Plaza}/tickets", Token("agent-gc-1", Roles.Agent), SampleIntake.Complaint("agent-gc-1"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tickets/{created.GetProperty("id").GetString()}/handling-form");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token("agent-gc-1", Roles.Agent));
        using var form = await Client.SendAsync(request);

        Assert.Equal((HttpStatusCode.OK, "text/html"), (form.StatusCode, form.Content.Headers.ContentType?.MediaType));
        AssertStrictPolicy(form);
        Assert.DoesNotContain("<style", await form.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/handling-form.css")).StatusCode);
    }

    [Fact]
    public async Task API_answers_forbid_content_sniffing_and_referrers()
    {
        using var response = await Client.GetAsync("/api/projects");

        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
    }

    private static void AssertStrictPolicy(HttpResponseMessage response)
    {
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));
    }
}
