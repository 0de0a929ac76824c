using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace HotlineGrains.Gateway.Api;

/// <summary>Reads a JSON body strictly; a body that is missing, malformed or of the wrong shape is a 400 naming the field.</summary>
internal static class RequestBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context) where T : class
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        if (!context.Request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send JSON",
                detail: "The body must be application/json.", extensions: new Dictionary<string, object?> { ["field"] = "Content-Type" }));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, context.RequestAborted);
            return value is null ? (null, Problems.Invalid("body", "A JSON object is required.")) : (value, null);
        }
        catch (JsonException json)
        {
            return (null, Problems.Invalid(ApiJson.FieldOf(json), ApiJson.MessageOf(json)));
        }
    }
}
