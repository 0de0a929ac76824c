using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace HotlineGrains.Gateway.Security;

/// <summary>Endpoint metadata: requests to this endpoint go into the audit trail (see <see cref="AuditTrailEndpoints.Audited"/>).</summary>
/// <param name="ResourceType"><c>ticket</c>, <c>customer</c>, <c>register</c>, …</param>
/// <param name="IdRouteValue">The route value naming the resource.</param>
/// <param name="Action">What the request does, when the method and step do not say it.</param>
internal sealed record AuditedResource(string ResourceType, string IdRouteValue, string? Action);

/// <summary>
/// The authorization step's answer, with the refusals of audited endpoints recorded first: a 401 or
/// a role's 403 is decided before the endpoint and its audit filter run, and SPEC §8 wants refused
/// attempts in the trail as much as granted ones.
/// </summary>
internal sealed class AuditingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler answer = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && context.GetEndpoint()?.Metadata.GetMetadata<AuditedResource>() is { } audited)
        {
            await AuditTrailEndpoints.RecordRefusal(context, audited, authorizeResult);
        }

        await answer.HandleAsync(next, context, policy, authorizeResult);
    }
}
