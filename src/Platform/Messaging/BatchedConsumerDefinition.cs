using MassTransit;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Messaging;

/// <summary>
/// Gathers a consumer's messages into batches of each type (<c>IConsumer&lt;Batch&lt;T&gt;&gt;</c>) by the host's
/// <c>Messaging:Batch</c> settings, and lets the queue hand over enough messages to fill them: a busy stream then costs
/// one transaction and one commit per batch instead of one per message, while a lone event waits at most the time limit.
/// </summary>
public class BatchedConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly ConsumerBatchOptions _batch;

    public BatchedConsumerDefinition(IOptions<BusOptions> options)
    {
        _batch = options.Value.Batch;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_batch.MessageLimit)
            .SetTimeLimit(_batch.TimeLimit)
            .SetConcurrencyLimit(_batch.ConcurrencyLimit));
    }
}
