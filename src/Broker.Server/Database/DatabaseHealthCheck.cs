using Broker.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Broker.Server.Database;

/// <summary>Ready only while the database answers.</summary>
internal sealed class DatabaseHealthCheck(BrokerDbContext database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await database.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "The database cannot be reached.");
}
