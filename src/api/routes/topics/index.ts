import type { App } from '../../context';
import { registerAddTopicSubscribers } from './add-topic-subscribers';
import { registerCreateTopic } from './create-topic';
import { registerDeleteTopic } from './delete-topic';
import { registerGetTopic } from './get-topic';
import { registerListTopicSubscribers } from './list-topic-subscribers';
import { registerListTopics } from './list-topics';
import { registerRemoveTopicSubscriber } from './remove-topic-subscriber';
import { registerRemoveTopicSubscribers } from './remove-topic-subscribers';

export function registerTopicRoutes(app: App) {
  registerCreateTopic(app);
  registerListTopics(app);
  registerGetTopic(app);
  registerDeleteTopic(app);
  registerAddTopicSubscribers(app);
  registerRemoveTopicSubscribers(app);
  registerRemoveTopicSubscriber(app);
  registerListTopicSubscribers(app);
}
