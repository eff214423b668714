import type { App } from '../../context';
import { registerListDeadLetters } from './list-dead-letters';
import { registerReplayDeadLetters } from './replay-dead-letters';

export function registerDeadLetterRoutes(app: App) {
  registerListDeadLetters(app);
  registerReplayDeadLetters(app);
}
