using Broker.Core;
using Broker.Core.Audit;

namespace Broker.Server.Api.Audit;

/// <summary>Admin: the audit log, newest first, filtered and paged (<c>GET /api/v1/admin/audit</c>).</summary>
internal static class AuditEndpoints
{
    /// <summary>Entries a request returns when it names no <c>take</c>.</summary>
    public const int DefaultTake = 100;

    /// <summary>The most entries one request returns.</summary>
    public const int MaxTake = 1000;

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", QueryAsync)
            .WithTags("Audit")
            .Produces<IReadOnlyList<AuditEntryResponse>>()
            .ProducesValidationProblem();
        return admin;
    }

    /// <summary>
    /// Entries by <paramref name="actor"/> (as logged: a user id, <c>host:{id}</c>, <c>device:{id}</c>),
    /// about <paramref name="target"/> (<c>kind:id</c>), with <paramref name="action"/> (exact, or a
    /// family ending with a dot such as <c>host.</c>), at or after <paramref name="from"/> and before
    /// <paramref name="to"/>; <paramref name="skip"/> and <paramref name="take"/> page.
    /// </summary>
    private static async Task<IResult> QueryAsync(
        IAuditLog audit,
        CancellationToken cancellationToken,
        string? actor = null,
        string? target = null,
        string? action = null,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        int skip = 0,
        int take = DefaultTake)
    {
        var errors = new List<ValidationError>();
        if (skip < 0)
        {
            errors.Add(new ValidationError(nameof(skip), "must not be negative."));
        }

        if (take is < 1 or > MaxTake)
        {
            errors.Add(new ValidationError(nameof(take), $"must be between 1 and {MaxTake}."));
        }

        if (from is not null && to is not null && to <= from)
        {
            errors.Add(new ValidationError(nameof(to), "must be after from."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var entries = await audit.QueryAsync(new AuditQuery(from, to, Blank(actor), Blank(target), Blank(action), skip, take), cancellationToken);
        return TypedResults.Ok(entries.Select(AuditEntryResponse.From).ToList());
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
