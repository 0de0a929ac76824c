using Microsoft.Net.Http.Headers;

namespace HotlineGrains.Gateway.Security;

/// <summary>
/// Headers that keep a browser from being turned against the hotline's own pages: no script or
/// style but the site's own files (what a customer typed and a page shows can never run), no
/// framing by another site (clickjacking a supervisor's reassign button), no content sniffing, and
/// no address of a ticket leaking to other sites as a referrer.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>The policy of every HTML answer: the consoles, the wallboard and the handling form.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    // The Orleans dashboard's and the Swagger UI's pages are other projects', with inline
                    // script and style of their own: they may not be framed either, the rest is theirs.
                    var theirs = context.Request.Path.StartsWithSegments(Operations.DashboardEndpoints.Path)
                        || context.Request.Path.StartsWithSegments("/swagger");
                    headers[HeaderNames.ContentSecurityPolicy] = theirs ? "frame-ancestors 'none'" : ContentSecurityPolicy;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
