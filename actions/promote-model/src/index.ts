import { runGitHubAction } from '../../../shared/src/hosts/github';
import { promoteModelStep } from '../../../shared/src/steps/promote-model/definition';

void runGitHubAction(promoteModelStep);
