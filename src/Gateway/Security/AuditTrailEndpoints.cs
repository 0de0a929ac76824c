using System.Globalization;
using HotlineGrains.Gateway.Api;
using HotlineGrains.Grains.Customers;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HotlineGrains.Gateway.Security;

/// <summary>
/// Who read or changed which ticket or customer (SPEC §8): every such request leaves an entry,
/// refused ones included, and an admin reads the trail by ticket, customer, user or project.
/// </summary>
internal static class AuditTrailEndpoints
{
    private const string ProjectItem = "audit:project";
    private const string ResourceItem = "audit:resource";
    private const int PageSize = 50;

    public static RouteGroupBuilder MapAuditTrail(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", Query).WithName("QueryAuditTrail").WithTags(ApiDocument.Audit)
            .WithSummary("The audit trail, newest first, 50 a page: filter by ticketId or customerId, user, projectId and from/to (ISO 8601 with offset).")
            .Produces<AuditPage>().ProducesValidationProblem().ProducesProblem(404)
            .RequireRateLimiting(SecurityExtensions.ReadsLimit);
        return api;
    }

    /// <summary>
    /// Records the request on <paramref name="resourceType"/> named by the route value
    /// <paramref name="idRouteValue"/> (or by the handler, see <see cref="Resource"/>), with the
    /// outcome its status code tells.
    /// </summary>
    public static TBuilder Audited<TBuilder>(this TBuilder endpoint, string resourceType, string idRouteValue, string? action = null)
        where TBuilder : IEndpointConventionBuilder
    {
        var audited = new AuditedResource(resourceType, idRouteValue, action);
        // The metadata lets the authorization step audit the requests it refuses before any filter runs.
        endpoint.WithMetadata(audited);
        // The outermost filter, whatever order the endpoint's filters were added in: a filter that
        // answers on its own (another project's register is a 404) is a refusal the trail must see.
        endpoint.Add(builder => builder.FilterFactories.Insert(0, (_, next) => context => RecordOutcome(context, next, audited)));
        return endpoint;
    }

    private static async ValueTask<object?> RecordOutcome(EndpointFilterInvocationContext context, EndpointFilterDelegate next, AuditedResource audited)
    {
        var http = context.HttpContext;
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await Record(http, audited, "refused:" + exception.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal), exception.Message);
            throw;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        var why = status >= 400 && result is ProblemHttpResult problem ? problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title : null;
        await Record(http, audited, Outcome(status), why);
        return result;
    }

    /// <summary>Tells the audit which project the resource belongs to (the handler learns it when it loads it).</summary>
    public static void Project(HttpContext http, string? projectId) => http.Items[ProjectItem] = projectId;

    /// <summary>Names the resource when the route does not (a ticket being created).</summary>
    public static void Resource(HttpContext http, string resourceId) => http.Items[ResourceItem] = resourceId;

    /// <summary>Records a request the authorization step refused: no valid token (401) or a role that may not (403).</summary>
    internal static Task RecordRefusal(HttpContext http, AuditedResource audited, PolicyAuthorizationResult refusal)
    {
        var caller = Caller.Of(http);
        var why = refusal.Challenged
            ? "No valid bearer token."
            : $"The caller's roles ({(caller.Roles.Count == 0 ? "none" : string.Join(", ", caller.Roles))}) may not do this.";
        return Record(http, audited, refusal.Challenged ? "unauthenticated" : "denied", why);
    }

    private static async Task Record(HttpContext http, AuditedResource audited, string outcome, string? why)
    {
        var trail = http.RequestServices.GetRequiredService<IAuditTrail>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var id = http.Items[ResourceItem] as string ?? http.GetRouteValue(audited.IdRouteValue) as string ?? string.Empty;
        var project = http.Items[ProjectItem] as string ?? http.GetRouteValue("projectId") as string;
        if (project is null && outcome != "ok" && http.User.Identity?.IsAuthenticated == true)
        {
            // Refused before the handler loaded the resource: the trail still says whose project was
            // tried. Not for anonymous callers, whom a lookup per refusal would hand a cheap way to load grains.
            project = await ProjectOfAsync(http, audited.ResourceType, id);
        }

        var what = audited.Action ?? (HttpMethods.IsGet(http.Request.Method) ? "read" : "change")
            + (http.GetRouteValue("step") is string step ? ":" + step : string.Empty);

        // Not the request's token: a client hanging up must not erase its own trail.
        await trail.RecordAsync(new AuditEntry(
            time.GetUtcNow(), Caller.Of(http).Id, what, audited.ResourceType, Truncate(id), project is null ? null : Truncate(project),
            http.Connection.RemoteIpAddress?.ToString(), outcome, why is null ? null : Truncate(why, 300)), CancellationToken.None);
    }

    private static async Task<string?> ProjectOfAsync(HttpContext http, string resourceType, string id)
    {
        if (!Keys.IsValid(id))
        {
            return null;
        }

        var grains = http.RequestServices.GetRequiredService<IGrainFactory>();
        return resourceType switch
        {
            "ticket" => (await grains.GetGrain<ITicketGrain>(id).GetSnapshot()).State.Intake?.ProjectId,
            "customer" => (await grains.GetGrain<ICustomerGrain>(id).GetView())?.ProjectId,
            _ => null,
        };
    }

    private static string Outcome(int status) => status switch
    {
        < 400 => "ok",
        403 => "denied",
        404 => "not-found",
        _ => "refused:" + status.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Ids in the trail are what the caller sent, so they are bounded like any other input.</summary>
    private static string Truncate(string value, int length = 100) => value.Length <= length ? value : value[..length];

    private static async Task<IResult> Query(HttpContext http, IAuditTrail trail, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var check = new Check();
        string? Id(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        var ticketId = Id("ticketId");
        var customerId = Id("customerId");
        var user = Id("user");
        var projectId = Id("projectId");
        check.That(ticketId is null || customerId is null, "customerId", "Give ticketId or customerId, not both.")
            .Text("ticketId", ticketId, 64, required: false)
            .Text("customerId", customerId, 64, required: false)
            .Text("user", user, 64, required: false)
            .Text("projectId", projectId, 64, required: false);
        var from = Instant(check, query, "from");
        var to = Instant(check, query, "to");
        var page = query["page"].ToString() is { Length: > 0 } text ? (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0) : 1;
        check.That(page is >= 1 and <= 100_000, "page", "A page number from 1.");
        // An admin of some projects reads the trail of those projects only; outside them nothing exists.
        var caller = Caller.Of(http);
        check.That(caller.AllProjects || projectId is not null, "projectId", "Name one of your projects.");
        if (check.Failed)
        {
            return check.Problem();
        }

        if (projectId is not null && !caller.Sees(projectId))
        {
            return Problems.NotFound("Project", projectId);
        }

        var result = await trail.QueryAsync(new AuditQuery
        {
            ResourceType = ticketId is not null ? "ticket" : customerId is not null ? "customer" : null,
            ResourceId = ticketId ?? customerId,
            User = user,
            ProjectId = projectId,
            From = from,
            To = to,
            Offset = (page - 1) * PageSize,
            Limit = PageSize,
        }, cancellationToken);
        return TypedResults.Ok(result);
    }

    private static DateTimeOffset? Instant(Check check, IQueryCollection query, string name)
    {
        if (query[name].ToString() is not { Length: > 0 } text)
        {
            return null;
        }

        var parsed = Check.TryParseInstant(text, out var value);
        check.That(parsed, name, "An instant with its offset, like 2026-03-02T08:00:00+08:00, between 2000 and 2100.");
        return parsed ? value.ToUniversalTime() : null;
    }
}
