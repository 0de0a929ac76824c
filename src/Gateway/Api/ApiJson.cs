using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace HotlineGrains.Gateway.Api;

internal static class ApiJson
{
    /// <summary>
    /// Strict reading: enums by name only, no unknown fields, required members and non-nullable
    /// references enforced. A mistake in a request is a 400 naming the field, never a silent default.
    /// </summary>
    public static void Configure(JsonOptions options)
    {
        var json = options.SerializerOptions;
        json.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.RespectNullableAnnotations = true;
        json.RespectRequiredConstructorParameters = true;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        json.MaxDepth = 16;
        // Answers are JSON for programs, never inlined into HTML: keep Chinese and quotes readable.
        json.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    /// <summary>What to tell the caller about a JSON error, without the serializer's internal type names.</summary>
    public static string MessageOf(JsonException exception) =>
        exception.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? "Not a valid value for this field: wrong type, unknown name or out of range."
            : exception.Message.Split(" Path:", 2)[0] is { Length: > 0 and <= 300 } message ? message : "Not valid JSON for this field.";

    /// <summary>The JSON path of a binding error as a field name: <c>$.customer.name</c> → <c>customer.name</c>.</summary>
    public static string FieldOf(JsonException exception) =>
        exception.Path is { Length: > 0 } path ? path.TrimStart('$').TrimStart('.') is { Length: > 0 } field ? field : "body" : "body";
}
