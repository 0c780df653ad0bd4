using Broker.Core;
using Broker.Core.Desktops;
using Broker.Server.Desktops;

namespace Broker.Server.Api.Desktops;

/// <summary>Admin: a desktop's serial console log, read from its host (<c>GET /api/v1/admin/desktops/{id}/console</c>).</summary>
internal static class DesktopConsoleEndpoints
{
    /// <summary>Bytes from the end a read without <c>offset</c> or <c>tail</c> returns.</summary>
    public const int DefaultTail = 64 * 1024;

    public static RouteGroupBuilder MapDesktopConsoleEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/desktops/{id:guid}/console", ReadAsync)
            .WithTags("Desktops")
            .Produces<DesktopConsoleResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return admin;
    }

    /// <summary>From <paramref name="offset"/>, or the last <paramref name="tail"/> bytes (default <see cref="DefaultTail"/>); at most <paramref name="max"/>.</summary>
    private static async Task<IResult> ReadAsync(
        Guid id,
        DesktopConsoles consoles,
        CancellationToken cancellationToken,
        long? offset = null,
        long? tail = null,
        int max = DesktopConsoles.MaxBytes)
    {
        var errors = new List<ValidationError>();
        if (offset is not null && tail is not null)
        {
            errors.Add(new ValidationError(nameof(tail), "must not be given with offset."));
        }

        if (offset < 0)
        {
            errors.Add(new ValidationError(nameof(offset), "must not be negative."));
        }

        if (tail < 0)
        {
            errors.Add(new ValidationError(nameof(tail), "must not be negative."));
        }

        if (max is < 1 or > DesktopConsoles.MaxBytes)
        {
            errors.Add(new ValidationError(nameof(max), $"must be between 1 and {DesktopConsoles.MaxBytes}."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var read = await consoles.ReadAsync(new DesktopId(id), (ulong?)offset, (ulong)(tail ?? DefaultTail), (uint)max, cancellationToken);
        return read.Outcome switch
        {
            DesktopConsoleOutcome.Done => TypedResults.Ok(DesktopConsoleResponse.From(id, read.Text!)),
            DesktopConsoleOutcome.NotFound => ApiProblems.NotFound(read.Detail!),
            DesktopConsoleOutcome.HostUnavailable => TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Host unavailable",
                detail: read.Detail),
            _ => throw new InvalidOperationException($"Unknown outcome {read.Outcome}."),
        };
    }
}
