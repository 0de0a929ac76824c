using System.Text.RegularExpressions;
using HotlineGrains.Gateway.Api;

namespace HotlineGrains.Gateway.Projects;

internal static partial class ProjectKeys
{
    public static bool IsValid(string? projectId) => projectId is not null && Slug().IsMatch(projectId);

    /// <summary>A 400 naming <c>projectId</c> if it is not a slug; null if it is.</summary>
    public static IResult? Invalid(string? projectId) =>
        IsValid(projectId) ? null : Problems.Invalid("projectId", "A slug of lower-case letters, digits and dashes, at most 64 characters.");

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex Slug();
}
