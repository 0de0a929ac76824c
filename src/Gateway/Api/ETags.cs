using System.Globalization;

namespace HotlineGrains.Gateway.Api;

/// <summary>A grain's version as an HTTP entity tag: <c>"7"</c>.</summary>
internal static class ETags
{
    public static string Of(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Reads If-Match: absent → null (no precondition); malformed → false.</summary>
    public static bool TryParseIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(header) || header == "*")
        {
            return true;
        }

        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (value.Length >= 3 && value[0] == '"' && value[^1] == '"'
            && long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        return false;
    }
}
