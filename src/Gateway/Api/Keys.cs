using System.Text.RegularExpressions;

namespace HotlineGrains.Gateway.Api;

/// <summary>Ids of projects, agents and customers in URLs and bodies: slugs, so they read well in logs and links.</summary>
internal static partial class Keys
{
    public static bool IsValid(string? id) => id is not null && Slug().IsMatch(id);

    /// <summary>A 400 naming <paramref name="field"/> if <paramref name="id"/> is not a slug; null if it is.</summary>
    public static IResult? Invalid(string field, string? id) =>
        IsValid(id) ? null : Problems.Invalid(field, "A slug of lower-case letters, digits and dashes, at most 64 characters.");

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex Slug();
}
