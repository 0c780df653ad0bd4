using Broker.Contracts;
using Broker.Contracts.V1;
using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Persistence;
using Broker.Persistence.Identity;
using Broker.Server.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using CoreAgentKind = Broker.Core.Access.AgentKind;
using WireAgentKind = Broker.Contracts.V1.AgentKind;

namespace Broker.Server.Agents;

/// <summary>
/// Trades a one-time proof for an agent credential: a host's enrollment token (used up in the same
/// transaction that stores the credential), or a user's login or access token for a new device of
/// theirs. Every failed proof gives the same UNAUTHENTICATED answer and changes nothing.
/// </summary>
internal sealed class AgentEnrollment(
    BrokerDbContext database,
    IEnrollmentTokenStore enrollmentTokens,
    IAgentCredentialStore credentials,
    IDeviceStore devices,
    AccessTokens accessTokens,
    UserManager<BrokerUser> users,
    SignInManager<BrokerUser> signIn,
    SigningKey signingKey,
    TimeProvider time)
{
    private static readonly RpcException Refused = new(new Status(StatusCode.Unauthenticated, "The enrollment token or login is not valid."));

    /// <summary>Enrolls the agent of <paramref name="request"/>; throws <see cref="RpcException"/> when refused.</summary>
    public Task<EnrollResponse> EnrollAsync(EnrollRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind switch
        {
            WireAgentKind.Host when request.ProofCase == EnrollRequest.ProofOneofCase.EnrollmentToken => EnrollHostAsync(request.EnrollmentToken, cancellationToken),
            WireAgentKind.Device when request.ProofCase is EnrollRequest.ProofOneofCase.UserLogin or EnrollRequest.ProofOneofCase.PersonalAccessToken => EnrollDeviceAsync(request, cancellationToken),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "A host enrolls with an enrollment token; a device with a user login or access token.")),
        };
    }

    private async Task<EnrollResponse> EnrollHostAsync(string token, CancellationToken cancellationToken)
    {
        if (!BearerSecret.TryParse(token, BearerSecret.EnrollmentPrefix, out var secret)
            || await enrollmentTokens.FindAsync(secret.Id, cancellationToken) is not { } stored
            || !secret.Matches(stored.SecretHash))
        {
            throw Refused;
        }

        var now = time.GetUtcNow();
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        if (!await enrollmentTokens.TryConsumeAsync(stored.Id, now, cancellationToken))
        {
            throw Refused;
        }

        var response = await IssueCredentialAsync(CoreAgentKind.Host, stored.Host.Value, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }

    private async Task<EnrollResponse> EnrollDeviceAsync(EnrollRequest request, CancellationToken cancellationToken)
    {
        var owner = await UserOfAsync(request, cancellationToken) ?? throw Refused;
        var draft = Device.Create(DeviceId.New(), new DeviceDraft(new UserId(owner), request.Name));
        if (draft.Value is not { } device)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join(' ', draft.Errors.Select(error => $"{error.Field} {error.Message}"))));
        }

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        if ((await devices.AddAsync(device, cancellationToken)).Outcome != WriteOutcome.Saved)
        {
            throw new RpcException(new Status(StatusCode.Aborted, "The device could not be stored; try again."));
        }

        var response = await IssueCredentialAsync(CoreAgentKind.Device, device.Id.Value, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }

    /// <summary>The id of the user whose login or access token the request carries, or null.</summary>
    private async Task<string?> UserOfAsync(EnrollRequest request, CancellationToken cancellationToken)
    {
        if (request.ProofCase == EnrollRequest.ProofOneofCase.PersonalAccessToken)
        {
            return (await accessTokens.ValidateAsync(request.PersonalAccessToken, cancellationToken))?.Owner.Value;
        }

        var user = await users.FindByNameAsync(request.UserLogin.UserName);
        return user is not null && (await signIn.CheckPasswordSignInAsync(user, request.UserLogin.Password, lockoutOnFailure: true)).Succeeded
            ? user.Id
            : null;
    }

    private async Task<EnrollResponse> IssueCredentialAsync(CoreAgentKind kind, Guid subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = BearerSecret.New(BearerSecret.AgentPrefix);
        var saved = await credentials.AddAsync(new AgentCredential(secret.Id, kind, subject, secret.Hash, now), cancellationToken);
        if (saved.Outcome != WriteOutcome.Saved)
        {
            throw new RpcException(new Status(StatusCode.Aborted, "The credential could not be stored; try again."));
        }

        return new EnrollResponse
        {
            AgentId = subject.ToString(),
            Credential = secret.Token,
            SigningPublicKeyPem = signingKey.PublicKeyPem,
            Hello = new Hello { CapabilityVersion = ContractVersion.Capability, AgentVersion = "broker-server" },
        };
    }
}
