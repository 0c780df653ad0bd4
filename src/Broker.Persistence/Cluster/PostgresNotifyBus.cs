using System.Text;
using Broker.Core.Cluster;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Broker.Persistence.Cluster;

/// <summary>
/// The bus of instances sharing one PostgreSQL database: <c>pg_notify</c> on channel
/// <see cref="Channel"/> to publish, one connection per instance that <c>LISTEN</c>s. PostgreSQL
/// delivers a notification to every listening session once its transaction commits (here at once).
/// </summary>
internal sealed partial class PostgresNotifyBus(string connectionString, ILogger<PostgresNotifyBus> logger) : IClusterBus
{
    /// <summary>The notification channel.</summary>
    public const string Channel = "broker_cluster";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>PostgreSQL refuses payloads of 8000 bytes or more.</summary>
    public int MaxPayloadBytes => 7999;

    public async Task PublishAsync(string payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            throw new ArgumentException($"A cluster message holds at most {MaxPayloadBytes} bytes.", nameof(payload));
        }

        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            await using (command.ConfigureAwait(false))
            {
                _ = command.Parameters.AddWithValue("channel", Channel);
                _ = command.Parameters.AddWithValue("payload", payload);
                _ = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task ListenAsync(Func<string, CancellationToken, Task> received, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListenOnceAsync(received, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or IOException)
            {
                LogListenFailed(logger, exception, RetryDelay);
                try
                {
                    await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenOnceAsync(Func<string, CancellationToken, Task> received, CancellationToken cancellationToken)
    {
        // A dedicated connection, not from the pool: LISTEN belongs to the session and must outlive any command.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 30 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            var pending = new Queue<string>();
            connection.Notification += (_, notification) => pending.Enqueue(notification.Payload);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var listen = new NpgsqlCommand($"LISTEN {Channel}", connection);
            await using (listen.ConfigureAwait(false))
            {
                _ = await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                while (pending.TryDequeue(out var payload))
                {
                    await received(payload, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Listening for other broker instances' messages failed; trying again in {Delay}")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, TimeSpan delay);
}
