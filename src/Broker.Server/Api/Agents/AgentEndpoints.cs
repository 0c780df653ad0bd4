using System.Security.Claims;
using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Audit;
using Broker.Core.Hosts;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Server.Desktops;
using Broker.Server.Security;
using Microsoft.Extensions.Options;

namespace Broker.Server.Api.Agents;

/// <summary>
/// Admin: host enrollment tokens (the host is created offline with its token, which is shown once)
/// and the enrolled agents' credentials (list, revoke).
/// </summary>
internal static class AgentEndpoints
{
    private const int MaxValidHours = 30 * 24;

    public static RouteGroupBuilder MapAgentEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapPost("/hosts/enrollment-tokens", CreateEnrollmentTokenAsync)
            .WithTags("Hosts")
            .Produces<EnrollmentTokenResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        var agents = admin.MapGroup("/agents").WithTags("Agents");
        agents.MapGet("/", ListAsync).Produces<IReadOnlyList<AgentResponse>>();
        agents.MapDelete("/{id:guid}", RevokeAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    private static async Task<IResult> CreateEnrollmentTokenAsync(
        EnrollmentTokenRequest request,
        ClaimsPrincipal user,
        BrokerDbContext database,
        IHostStore hosts,
        IEnrollmentTokenStore tokens,
        IAuditLog audit,
        IOptions<AgentOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        if (request.Capacity is null)
        {
            errors.Add(new ValidationError(nameof(request.Capacity), "is required."));
        }

        if (request.ValidHours is < 1 or > MaxValidHours)
        {
            errors.Add(new ValidationError(nameof(request.ValidHours), $"must be between 1 and {MaxValidHours}."));
        }

        var host = Broker.Core.Hosts.Host.Create(HostId.New(), new HostDraft(request.Name, request.Capacity ?? 1));
        errors.AddRange(host.Errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var now = time.GetUtcNow();
        var admin = Actor.UserId(user);
        var secret = BearerSecret.New(BearerSecret.EnrollmentPrefix);
        var expiresAt = now + (request.ValidHours is { } hours ? TimeSpan.FromHours(hours) : options.Value.EnrollmentTokenLifetime);
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var savedHost = await hosts.AddAsync(host.Value!, cancellationToken);
        var savedToken = await tokens.AddAsync(new EnrollmentToken(secret.Id, host.Value!.Id, secret.Hash, admin, now, expiresAt), cancellationToken);
        if (savedHost.Outcome != WriteOutcome.Saved || savedToken.Outcome != WriteOutcome.Saved)
        {
            return ApiProblems.Conflict("ConcurrentUpdate", "The host could not be stored; try again.");
        }

        await audit.AppendAsync(new AuditEvent(Guid.NewGuid(), now, admin, "host.enrollment-token.created", $"host:{host.Value.Id}", true, $"expires {expiresAt:O}"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created(
            $"/api/v1/admin/hosts/{host.Value.Id}",
            new EnrollmentTokenResponse(secret.Id, host.Value.Id.Value, secret.Token, expiresAt));
    }

    private static async Task<IResult> ListAsync(IAgentCredentialStore credentials, CancellationToken cancellationToken) =>
        TypedResults.Ok((await credentials.ListAsync(cancellationToken)).Select(AgentResponse.From).ToList());

    private static async Task<IResult> RevokeAsync(
        Guid id, ClaimsPrincipal user, IAgentCredentialStore credentials, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await credentials.RevokeAsync(id, now, cancellationToken) != WriteOutcome.Saved)
        {
            return ApiProblems.NotFound($"There is no active agent credential {id}.");
        }

        await audit.AppendAsync(new AuditEvent(Guid.NewGuid(), now, Actor.UserId(user), "agent.revoked", $"agent:{id}", true, "credential revoked"), cancellationToken);
        return TypedResults.NoContent();
    }
}
