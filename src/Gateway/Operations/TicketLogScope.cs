namespace HotlineGrains.Gateway.Operations;

/// <summary>
/// Every log line written while a request about a ticket or a project is served carries its
/// ticket id and project id (as a logging scope; ASP.NET Core's own scope adds the trace id), so
/// that the JSON console logs of production can be searched by ticket.
/// </summary>
internal static class TicketLogScope
{
    public static WebApplication UseTicketLogScope(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("HotlineGrains.Gateway.Requests");
        app.Use(async (http, next) =>
        {
            var route = http.Request.RouteValues;
            var ticket = route.TryGetValue("ticketId", out var ticketId) ? ticketId : null;
            var project = route.TryGetValue("projectId", out var projectId) ? projectId : null;
            if (ticket is null && project is null)
            {
                await next(http);
                return;
            }

            using (logger.BeginScope(new Dictionary<string, object?> { ["TicketId"] = ticket, ["ProjectId"] = project }))
            {
                await next(http);
            }
        });
        return app;
    }
}
