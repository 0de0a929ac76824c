using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace HotlineGrains.Gateway.Api;

internal static partial class ApiJson
{
    /// <summary>
    /// Strict reading: enums by name only, no unknown fields, required members and non-nullable
    /// references enforced. A mistake in a request is a 400 naming the field, never a silent default.
    /// </summary>
    public static void Configure(JsonOptions options)
    {
        var json = options.SerializerOptions;
        json.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        json.Converters.Add(new InstantConverter());
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.RespectNullableAnnotations = true;
        json.RespectRequiredConstructorParameters = true;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        json.MaxDepth = 16;
        // {"department":"工程部","department":"保洁部"}: parsers disagree on which one counts (first,
        // last, or refuse), so a proxy or audit log that read the other one would see another request.
        json.AllowDuplicateProperties = false;
        // Answers are JSON for programs, never inlined into HTML: keep Chinese and quotes readable.
        json.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    /// <summary>What to tell the caller about a JSON error, without the serializer's internal type names.</summary>
    public static string MessageOf(JsonException exception) => exception.Message switch
    {
        var m when m.Contains("could not be converted", StringComparison.Ordinal) => "Not a valid value for this field: wrong type, unknown name or out of range.",
        var m when MissingMember(m) is not null => "Required.",
        var m when m.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) => "Not a field of this request.",
        var m when m.StartsWith("Duplicate property", StringComparison.Ordinal) => "Given more than once.",
        var m when m.Contains("allow null values", StringComparison.Ordinal) || m.Contains("allow setting null values", StringComparison.Ordinal) => "Required: null is not allowed.",
        var m => m.Split(" Path:", 2)[0] is { Length: > 0 and <= 300 } message ? message : "Not valid JSON for this field.",
    };

    /// <summary>
    /// The JSON path of a binding error as a field name: <c>$.customer.name</c> → <c>customer.name</c>. A missing
    /// required member is reported at the object that lacks it, so the member's name is added to the path.
    /// </summary>
    public static string FieldOf(JsonException exception)
    {
        var path = exception.Path is { Length: > 0 } raw ? raw.TrimStart('$').TrimStart('.') : string.Empty;
        if (MissingMember(exception.Message) is { } missing)
        {
            return path.Length > 0 ? $"{path}.{missing}" : missing;
        }

        return path.Length > 0 ? path : "body";
    }

    /// <summary>The first member named in "…was missing required properties including: 'name', 'greeting'."</summary>
    private static string? MissingMember(string message) => MissingRequired().Match(message) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex("missing required properties[^']*'([^']+)'")]
    private static partial Regex MissingRequired();

    /// <summary>
    /// Instants in request bodies as in query strings (<see cref="Check.TryParseInstant"/>): with their
    /// offset. Without one the serializer would read the time in the server's own zone, so a phone
    /// switch that sends local times would shift every call by the server's offset without a word.
    /// </summary>
    private sealed class InstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && Check.TryParseInstant(reader.GetString()!, out var instant)
                ? instant
                : throw new JsonException("An instant with its offset, like 2026-03-02T08:00:00+08:00, between 2000 and 2100.");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
