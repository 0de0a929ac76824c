using HotlineGrains.Gateway.Security;
using HotlineGrains.Silo;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace HotlineGrains.Gateway.Operations;

/// <summary>
/// The Orleans dashboard (grains, calls, silos, reminders) at <c>/dashboard</c>, for admins only.
/// A browser cannot put a bearer token on the dashboard's own requests, so an admin opens it once
/// as <c>/dashboard/?access_token=…</c>: the token, checked like any other, is moved into a
/// cookie that only the dashboard's paths receive, and the address bar loses it.
/// </summary>
internal static class DashboardEndpoints
{
    public const string Path = "/dashboard";
    public const string Cookie = "hotline-dashboard";

    public static WebApplication MapHotlineDashboard(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<HotlineClusterOptions>>().Value.Dashboard)
        {
            return app;
        }

        app.UseWhen(http => http.Request.Path.StartsWithSegments(Path) && http.Request.Query.ContainsKey("access_token"), branch =>
            branch.Use(async (http, next) =>
            {
                if (http.User.IsInRole(Roles.Admin))
                {
                    http.Response.Cookies.Append(Cookie, http.Request.Query["access_token"].ToString(), new CookieOptions
                    {
                        HttpOnly = true,
                        Secure = http.Request.IsHttps,
                        SameSite = SameSiteMode.Strict,
                        Path = Path,
                    });
                    http.Response.Redirect(http.Request.PathBase + http.Request.Path);
                    return;
                }

                await next(http);
            }));
        app.MapOrleansDashboard(Path).RequireAuthorization(RoleTable.PolicyOf("OrleansDashboard")).ExcludeFromDescription();
        return app;
    }

    /// <summary>The token of a dashboard request that carries none in its headers: from the one-time query, then the cookie.</summary>
    public static string? TokenOf(HttpRequest request) =>
        !request.Path.StartsWithSegments(Path) ? null
            : request.Query["access_token"].ToString() is { Length: > 0 } query ? query
            : request.Cookies[Cookie];
}
