using HotlineGrains.Gateway.Demo;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HotlineGrains.Gateway.Projects;

internal static class ProjectEndpoints
{
    public static RouteGroupBuilder MapProjectEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId}", GetProject);
        return api;
    }

    private static async Task<Results<Ok<ProjectSettings>, ProblemHttpResult>> GetProject(string projectId, IGrainClient grains, CancellationToken cancellationToken)
    {
        if (!ProjectKeys.IsValid(projectId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid project id",
                detail: "projectId is a slug of lower-case letters, digits and dashes, at most 64 characters.",
                extensions: new Dictionary<string, object?> { ["field"] = "projectId" });
        }

        var profile = await grains.ReadAsync<ProjectGrain, ProjectSettings?>(projectId, project => project.Settings, cancellationToken);
        return profile is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Project not found", detail: $"There is no project '{projectId}'.")
            : TypedResults.Ok(profile);
    }
}
