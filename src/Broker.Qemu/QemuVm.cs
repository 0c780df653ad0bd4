using System.Net.Sockets;
using Broker.Qemu.Processes;
using Broker.Qemu.Qmp;

namespace Broker.Qemu;

/// <summary>
/// One running <c>qemu-system-x86_64</c> and its QMP connection. Shutting down (explicitly, by
/// disposal, or by cancelling the token given at start) presses the ACPI power button, then asks
/// QEMU to quit, then kills it, each step only if the one before did not end the process in time.
/// </summary>
/// <remarks>
/// QEMU dies with this process even when this process is killed: see
/// <see cref="DeathSignalProcessLauncher"/>. A QEMU that survived anyway (or started in the moment
/// before that protection took hold) is killed by the next start with the same
/// <see cref="VmSpec.PidFilePath"/>.
/// </remarks>
public sealed class QemuVm : IAsyncDisposable
{
    private static readonly TimeSpan ConnectRetryInterval = TimeSpan.FromMilliseconds(20);

    private readonly IChildProcess _process;
    private readonly QemuOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private Task<int>? _shutdown;
    private CancellationTokenRegistration _lifetime;

    private QemuVm(VmSpec spec, AcceleratorChoice accelerator, IReadOnlyList<string> arguments, IChildProcess process, QmpClient qmp, QemuOptions options, TimeProvider timeProvider)
    {
        Spec = spec;
        Accelerator = accelerator;
        Arguments = arguments;
        _process = process;
        Qmp = qmp;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>The spec the VM was started from.</summary>
    public VmSpec Spec { get; }

    /// <summary>The accelerator chosen and why (log it).</summary>
    public AcceleratorChoice Accelerator { get; }

    /// <summary>QEMU's arguments as launched.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>QEMU's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Completes with QEMU's exit code when it has exited, whatever the reason (128 + signal when killed).</summary>
    public Task<int> Exited => _process.Exited;

    /// <summary>The QMP connection, owned by this VM. Its <see cref="QmpClient.Events"/> has one reader: the caller.</summary>
    public QmpClient Qmp { get; }

    /// <summary>The end of what QEMU printed on stdout and stderr.</summary>
    public string Output => _process.OutputTail;

    /// <summary>
    /// Starts QEMU for <paramref name="spec"/> and returns once its QMP connection is up. Cancelling
    /// <paramref name="cancellationToken"/> while starting kills QEMU; cancelling it later shuts the VM
    /// down as <see cref="ShutdownAsync"/> does.
    /// </summary>
    public static Task<QemuVm> StartAsync(VmSpec spec, QemuOptions options, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        StartAsync(spec, options, timeProvider, new DeathSignalProcessLauncher(), cancellationToken);

    internal static async Task<QemuVm> StartAsync(VmSpec spec, QemuOptions options, TimeProvider timeProvider, IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(launcher);
        cancellationToken.ThrowIfCancellationRequested();

        var accelerator = options.Accelerator is { } forced
            ? new AcceleratorChoice(forced, "set in options")
            : AcceleratorProbe.Detect(options.KvmDevicePath);
        var arguments = QemuCommandLine.Build(spec, accelerator.Accelerator);

        if (spec.PidFilePath is { Length: > 0 } pidFile)
        {
            await StaleProcessReaper.ReapAsync(pidFile, options.QuitTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        // A socket file left by an earlier QEMU would accept nothing (or, worse, belong to a
        // survivor); QEMU binds a fresh one, and the connect below waits for it.
        DeleteIfExists(spec.QmpSocketPath);
        if (spec.VncSocketPath is { Length: > 0 } vnc)
        {
            DeleteIfExists(vnc);
        }

        var process = launcher.Start(options.Executable, arguments);
        QmpClient qmp;
        try
        {
            qmp = await ConnectQmpAsync(spec.QmpSocketPath, process, options.StartTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            process.Kill();
            await process.Exited.ConfigureAwait(false);
            process.Dispose();
            throw;
        }

        var vm = new QemuVm(spec, accelerator, arguments, process, qmp, options, timeProvider);
        vm._lifetime = cancellationToken.Register(static state => _ = ((QemuVm)state!).ShutdownAsync(CancellationToken.None), vm);
        return vm;
    }

    /// <summary>
    /// Stops the VM: ACPI power-down and up to <see cref="QemuOptions.PowerdownTimeout"/> for the
    /// guest to power off, then <c>quit</c> and up to <see cref="QemuOptions.QuitTimeout"/>, then
    /// SIGKILL. Returns QEMU's exit code. Concurrent and repeated calls share one shutdown;
    /// cancelling <paramref name="cancellationToken"/> skips to the kill.
    /// </summary>
    public async Task<int> ShutdownAsync(CancellationToken cancellationToken = default)
    {
        Task<int> shutdown;
        lock (_gate)
        {
            shutdown = _shutdown ??= Task.Run(ShutdownInOrderAsync, CancellationToken.None);
        }

        using (cancellationToken.Register(static state => ((QemuVm)state!)._process.Kill(), this))
        {
            return await shutdown.ConfigureAwait(false);
        }
    }

    /// <summary>Kills QEMU at once (SIGKILL); <see cref="Exited"/> completes when it is gone.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Shuts the VM down (see <see cref="ShutdownAsync"/>) and releases the QMP connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifetime.DisposeAsync().ConfigureAwait(false);
        await ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        await Qmp.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private static async Task<QmpClient> ConnectQmpAsync(string socketPath, IChildProcess process, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        while (true)
        {
            if (process.Exited.IsCompleted)
            {
                throw new QemuStartException($"QEMU exited with code {await process.Exited.ConfigureAwait(false)} before its QMP socket answered.", process.OutputTail);
            }

            try
            {
                return await QmpClient.ConnectAsync(socketPath, linked.Token).ConfigureAwait(false);
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.ConnectionRefused)
            {
                // Not listening yet: QEMU creates the socket during start-up.
            }
            catch (OperationCanceledException exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new QemuStartException($"QEMU's QMP socket {socketPath} did not answer within {timeout}.", process.OutputTail, exception);
            }
            catch (IOException)
            {
                // Closed before the handshake finished: QEMU is exiting (reported at the top of the
                // loop once it has) or not ready; either way, try again until the deadline.
            }

            try
            {
                await Task.WhenAny(process.Exited, Task.Delay(ConnectRetryInterval, timeProvider, linked.Token)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Handled by the next connect attempt, which sees the cancelled token.
            }
        }
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private async Task<int> ShutdownInOrderAsync()
    {
        if (!Exited.IsCompleted
            && !(await TryCommandAsync(Qmp.SystemPowerdownAsync).ConfigureAwait(false) && await ExitsWithinAsync(_options.PowerdownTimeout).ConfigureAwait(false))
            && !(await TryCommandAsync(Qmp.QuitAsync).ConfigureAwait(false) && await ExitsWithinAsync(_options.QuitTimeout).ConfigureAwait(false)))
        {
            _process.Kill();
        }

        return await Exited.ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a shutdown command, bounded by the quit timeout (a hung QEMU may never answer). False
    /// when it failed, so the caller moves on without waiting for an effect that will not come.
    /// </summary>
    private async Task<bool> TryCommandAsync(Func<CancellationToken, Task> command)
    {
        using var timeout = new CancellationTokenSource(_options.QuitTimeout, _timeProvider);
        try
        {
            await command(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is IOException or QmpErrorException or InvalidDataException or ObjectDisposedException or OperationCanceledException)
        {
            return Exited.IsCompleted;
        }
    }

    private async Task<bool> ExitsWithinAsync(TimeSpan timeout)
    {
        try
        {
            await Exited.WaitAsync(timeout, _timeProvider).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
