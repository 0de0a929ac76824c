using HotlineGrains.Gateway.Api;

namespace HotlineGrains.Gateway.Security;

internal static class ProjectScope
{
    /// <summary>
    /// A project outside the caller's projects answers 404, exactly as a missing one does, so a
    /// user cannot learn which other projects exist.
    /// </summary>
    public static TBuilder InCallersProject<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var projectId = context.HttpContext.GetRouteValue("projectId") as string;
            return Keys.IsValid(projectId) && !Caller.Of(context.HttpContext).Sees(projectId)
                ? Problems.NotFound("Project", projectId!)
                : await next(context);
        });
}
