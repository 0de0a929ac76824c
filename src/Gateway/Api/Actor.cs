namespace HotlineGrains.Gateway.Api;

/// <summary>
/// Who is calling. Until authentication arrives (issue 4) the caller names itself in the
/// <c>X-Hotline-User</c> header; every event and timeline entry records it.
/// </summary>
internal static class Actor
{
    public const string Header = "X-Hotline-User";

    public static string Of(HttpContext context)
    {
        var user = context.Request.Headers[Header].ToString();
        return user is { Length: > 0 and <= 64 } && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':') ? user : "anonymous";
    }
}
