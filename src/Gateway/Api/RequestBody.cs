using System.Text.Json;
using HotlineGrains.Grains.Calendars;
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

        // Kestrel refuses a larger body as it reads it; checking the declared length first holds on any host.
        if (context.Request.ContentLength > GatewayExtensions.MaxRequestBodyBytes)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large",
                detail: $"At most {GatewayExtensions.MaxRequestBodyBytes} bytes."));
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

    /// <summary>Reads the body, then checks it with <paramref name="validate"/>: a 400 lists every field that is wrong.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadValidAsync<T>(HttpContext context, Func<T, IReadOnlyList<ValidationProblem>> validate) where T : class
    {
        var (value, problem) = await ReadAsync<T>(context);
        return problem is not null ? (null, problem)
            : validate(value!) is { Count: > 0 } problems ? (null, Problems.Invalid(problems))
            : (value, null);
    }
}
